import { runMain } from '../../front/github.ts';
import { aws } from '../../providers/aws/index.ts';

void runMain(aws);
