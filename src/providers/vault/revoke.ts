/**
 * Ends a Vault credential at job end: `auth/token/revoke-self`, which also revokes every lease the token
 * created. A batch token cannot be revoked: the post step says so and names its remaining TTL. A token that
 * is already dead counts as revoked. Loaded by the post step, so it carries no SDK.
 */
import { readFileSync } from 'node:fs';
import { KeylessError } from '../../core/errors.ts';
import { withRetry } from '../../core/retry.ts';
import type { Revoker } from '../provider.ts';
import { vaultClient } from './client.ts';

/** A short policy: the post step must not hold the job up. */
const POST_RETRY = { attempts: 3, baseMs: 250, capMs: 2000, deadlineMs: 10_000 };

export const vaultRevoker: Revoker = {
  async revoke(ending, log) {
    const { url = '', tokenFile, tokenType, expiresAt = '', namespace, ca } = ending.revoke ?? {};
    const left = Math.max(0, Math.round((Date.parse(expiresAt) - Date.now()) / 1000));
    if (tokenType === 'batch') {
      log.warning(
        `The Vault batch token cannot be revoked; it stays valid for ${left} s more (until ${expiresAt}).`,
      );
      return;
    }
    let token: string;
    try {
      token = readFileSync(tokenFile ?? '', 'utf8');
    } catch {
      log.info('The Vault token was already ended (its file is gone).');
      return;
    }
    const wire = vaultClient({ url: new URL(url), namespace, ca });
    try {
      await withRetry(() => wire.revokeSelf(token), POST_RETRY);
      log.info('Revoked the Vault token and every lease it created.');
    } catch (error) {
      const vaultMessage = error instanceof KeylessError ? (error.facts['Vault error'] ?? '') : '';
      if (/permission denied/.test(vaultMessage)) log.info('The Vault token was already revoked or expired.');
      else if (/batch tokens cannot be revoked/.test(vaultMessage))
        log.warning(
          `The Vault token is a batch token and cannot be revoked; it stays valid for ${left} s more.`,
        );
      else throw error;
    }
  },
};
