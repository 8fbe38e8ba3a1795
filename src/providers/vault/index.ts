/** The Vault provider: JWT login with the job's OIDC token, KV and dynamic secrets, revoke-self at job end. */
import type { Broker } from '../provider.ts';
import { exchangeVault } from './broker.ts';
import { vaultClient } from './client.ts';
import { admittingRole } from './explain.ts';
import { VAULT_OPTIONS, VAULT_OUTPUTS } from './options.ts';
import { parseVaultSettings, type VaultSettings } from './settings.ts';

export const vault: Broker<VaultSettings> = {
  name: 'vault',
  title: 'keyless Vault',
  description:
    "Log in to HashiCorp Vault with the job's OIDC token, read KV and dynamic secrets masked, and revoke the token and its leases at job end.",
  options: VAULT_OPTIONS,
  outputs: VAULT_OUTPUTS,
  parse: parseVaultSettings,
  audience: (settings) => settings.audience,
  explain: (settings, claims) => [
    `Vault matches role ${JSON.stringify(settings.role ?? '(default)')} at auth/${settings.mount}: bound_audiences against aud, bound_claims against sub = ${JSON.stringify(claims.sub)}`,
    `the role that admits this job: ${admittingRole(claims, settings)}`,
  ],
  exchange: (settings, context) =>
    exchangeVault(
      settings,
      context,
      vaultClient({ url: settings.url, namespace: settings.namespace, ca: settings.ca }),
    ),
};
