import { runPost } from '../../front/github.ts';

void runPost();
