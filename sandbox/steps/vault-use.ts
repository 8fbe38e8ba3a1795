/**
 * A later job step that uses what the Vault action exported, printing no secret: a SHA-256 of each variable
 * named in KEYLESS_CHECK, and, when VAULT_TOKEN was exported, the status of lookup-self with it.
 */
import { createHash } from 'node:crypto';

const hashes: Record<string, string | null> = {};
for (const name of (process.env.KEYLESS_CHECK ?? '').split(',').filter(Boolean)) {
  const value = process.env[name];
  hashes[name] = value === undefined ? null : createHash('sha256').update(value).digest('hex');
}
let lookupSelf: number | null = null;
if (process.env.VAULT_TOKEN && process.env.VAULT_ADDR) {
  const headers: Record<string, string> = { 'x-vault-token': process.env.VAULT_TOKEN };
  if (process.env.VAULT_NAMESPACE) headers['x-vault-namespace'] = process.env.VAULT_NAMESPACE;
  lookupSelf = (await fetch(`${process.env.VAULT_ADDR}/v1/auth/token/lookup-self`, { headers })).status;
}
console.log(JSON.stringify({ hashes, lookupSelf }));
