import { runPost } from '../../front/github.ts';
import { vaultRevoker } from '../../providers/vault/revoke.ts';

void runPost(vaultRevoker);
