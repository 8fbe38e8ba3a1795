/**
 * Explains a rejected Vault login: what the token carried, where it was sent, and the `vault write`
 * command that would admit exactly this job.
 */
import { type Claims, claimFacts } from '../../core/claims.ts';
import { KeylessError } from '../../core/errors.ts';
import type { VaultSettings } from './settings.ts';

/** The role definition that admits this job: audience and subject bound exactly. */
export function admittingRole(claims: Claims, settings: VaultSettings): string {
  return (
    `vault write auth/${settings.mount}/role/${settings.role ?? 'ROLE'} role_type=jwt user_claim=sub ` +
    `bound_audiences=${JSON.stringify(settings.audience)} bound_claims_type=glob ` +
    `bound_claims='${JSON.stringify({ sub: claims.sub })}' token_policies=POLICY token_ttl=15m`
  );
}

function remedy(vaultMessage: string, claims: Claims, settings: VaultSettings): string {
  const role = admittingRole(claims, settings);
  if (/no handler for route/.test(vaultMessage)) {
    return `Nothing is mounted at auth/${settings.mount}: set path to the JWT mount, or enable one with vault auth enable -path=${settings.mount} jwt.`;
  }
  if (/could not be found|missing role/.test(vaultMessage)) return `Create the role: ${role}`;
  if (/aud/.test(vaultMessage)) {
    return `Add ${JSON.stringify(settings.audience)} to the role's bound_audiences, or set audience to one it lists: ${role}`;
  }
  if (/claim "/.test(vaultMessage)) return `Make the role's bound_claims match this job's claims: ${role}`;
  if (/expir|not yet valid|in the future/.test(vaultMessage)) {
    return "Check the clocks of the runner and of Vault: they disagree by more than Vault's leeway.";
  }
  if (/issuer|signature/.test(vaultMessage)) {
    return `Make auth/${settings.mount} trust the issuer: vault write auth/${settings.mount}/config oidc_discovery_url=${JSON.stringify(claims.iss)} bound_issuer=${JSON.stringify(claims.iss)}`;
  }
  return `Check the role: ${role}`;
}

/** Adds the claims, the login URL and a remedy to a rejected login; other errors pass through. */
export function explainLogin(error: unknown, claims: Claims, settings: VaultSettings): unknown {
  if (!(error instanceof KeylessError) || error.code !== 'ERR_TRUST_REJECTED') return error;
  const vaultMessage = error.facts['Vault error'] ?? '';
  const login = new URL(`v1/auth/${settings.mount}/login`, `${settings.url.href.replace(/\/?$/, '/')}`);
  return error.with(
    'ERR_TRUST_REJECTED',
    `Vault refused to log this job in as role ${JSON.stringify(settings.role ?? '(default)')}.`,
    {
      facts: {
        'login URL': login.href,
        ...(settings.namespace ? { namespace: settings.namespace } : {}),
        ...claimFacts(claims),
      },
      remedy: remedy(vaultMessage, claims, settings),
    },
  );
}
