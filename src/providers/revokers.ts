/** The revokers of the providers whose credentials can be revoked, by provider name; none load an SDK. */
import type { Revoker } from './provider.ts';
import { vaultRevoker } from './vault/revoke.ts';

export const REVOKERS: Readonly<Record<string, Revoker>> = { vault: vaultRevoker };
