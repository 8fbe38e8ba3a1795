import { runMain } from '../../front/github.ts';
import { azure } from '../../providers/azure/index.ts';

void runMain(azure);
