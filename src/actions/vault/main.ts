import { runMain } from '../../front/github.ts';
import { vault } from '../../providers/vault/index.ts';

void runMain(vault);
