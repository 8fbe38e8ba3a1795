import { runMain } from '../../front/github.ts';
import { gcp } from '../../providers/gcp/index.ts';

void runMain(gcp);
