/**
 * Maps @azure/identity failures to keyless errors. The SDK folds Entra's reply into its message
 * (`invalid_client: Error(s): 700213 - … Description: AADSTS700213: …`); this reads the AADSTS codes back:
 * 429/5xx (`temporarily_unavailable`) and AADSTS70021 (a federated credential still propagating) are
 * transient; subject, issuer and audience mismatches are trust rejections; an expired assertion asks for a
 * fresh token.
 */
import { KeylessError, scrub } from '../../core/errors.ts';

const TRUST = new Set([700211, 700212, 700213, 7002138, 70025, 700027, 50027]);

/** What an SDK error says: Entra's error name, its AADSTS codes and its description. */
export interface EntraFailure {
  readonly error: string;
  readonly codes: readonly number[];
  readonly description: string;
}

/** Reads an @azure/identity error's message back into Entra's fields. */
export function entraFailure(error: unknown): EntraFailure {
  const message = error instanceof Error ? error.message : String(error);
  const [, name = 'unknown_error', codes = ''] = /^([\w-]+):(?: Error\(s\): ([^-]*))?/.exec(message) ?? [];
  const description =
    /Description: (AADSTS\d+: .*?)(?: Trace ID:| - Correlation ID:|$)/.exec(message)?.[1] ?? '';
  return {
    error: name,
    codes: codes.split(',').map(Number).filter(Boolean),
    description: scrub(description),
  };
}

/** A KeylessError for a failed token request. */
export function entraError(failure: EntraFailure): KeylessError {
  const code = failure.codes[0] ?? 0;
  const facts = { 'Entra error': failure.description || failure.error };
  if (failure.error === 'temporarily_unavailable' || failure.error === 'server_error' || code === 70021) {
    const message =
      code === 70021
        ? 'Entra ID found no federated credential matching the token (yet: new ones take a minute to propagate).'
        : 'Entra ID is throttling or failing.';
    return new KeylessError('ERR_UNAVAILABLE', message, { transient: true, facts });
  }
  if (code === 700024)
    return new KeylessError(
      'ERR_TOKEN_EXPIRED',
      'Entra ID found the OIDC token outside its valid time range.',
      { facts },
    );
  if (TRUST.has(code))
    return new KeylessError(
      'ERR_TRUST_REJECTED',
      'Entra ID did not accept the OIDC token as a federated credential.',
      { facts },
    );
  if (code === 700016 || code === 90002) {
    return new KeylessError(
      'ERR_REQUEST_REJECTED',
      `Entra ID does not know this ${code === 90002 ? 'tenant' : 'application in the tenant'}.`,
      {
        facts,
        remedy: 'Check client-id and tenant-id (and environment, for a sovereign cloud).',
      },
    );
  }
  return new KeylessError('ERR_REQUEST_REJECTED', `Entra ID refused the token request (${failure.error}).`, {
    facts,
  });
}
