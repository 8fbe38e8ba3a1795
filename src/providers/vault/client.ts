/**
 * The wire layer for Vault's HTTP API: JWT login, reads and revoke-self, over keyless's HTTP client. It
 * classifies failures (412, 429, 5xx and network errors are transient) and carries Vault's own messages.
 */
import { KeylessError, scrub } from '../../core/errors.ts';
import { type HttpClient, type HttpResponse, retryAfterMs, send } from '../../core/http.ts';

/** A successful login. */
export interface VaultLogin {
  readonly token: string;
  readonly policies: readonly string[];
  readonly leaseSeconds: number;
  readonly tokenType: 'service' | 'batch';
}

/** A successful read: the secret's data and, for dynamic secrets, its lease. */
export interface VaultRead {
  readonly data: Record<string, unknown>;
  readonly leaseId: string | undefined;
  readonly leaseSeconds: number;
}

/** Where Vault is and how to reach it. */
export interface VaultEndpoint {
  readonly url: URL;
  readonly namespace: string | undefined;
  readonly ca: string | undefined;
}

/** The calls keyless makes to Vault. */
export interface VaultWire {
  login(mount: string, role: string | undefined, jwt: string): Promise<VaultLogin>;
  read(path: string, token: string): Promise<VaultRead>;
  revokeSelf(token: string): Promise<void>;
}

function messages(response: HttpResponse): string {
  try {
    const { errors } = JSON.parse(response.body) as { errors?: unknown };
    if (Array.isArray(errors) && errors.length > 0) return scrub(errors.map(String).join('; '));
  } catch {
    // not Vault's JSON: say nothing of the body
  }
  return `HTTP ${response.status}`;
}

/** A KeylessError for a failed Vault call; `what` says which, e.g. `login to auth/jwt`. */
export function vaultError(response: HttpResponse, what: string): KeylessError {
  const status = response.status;
  const transient = status === 412 || status === 429 || status >= 500;
  const code = transient
    ? 'ERR_UNAVAILABLE'
    : status === 400 || status === 403
      ? 'ERR_TRUST_REJECTED'
      : 'ERR_REQUEST_REJECTED';
  return new KeylessError(code, `Vault refused the ${what} (HTTP ${status}).`, {
    transient,
    ...(transient ? { retryAfterMs: retryAfterMs(response) ?? 0 } : {}),
    facts: { 'Vault error': messages(response) },
  });
}

function parseJson(response: HttpResponse, what: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(response.body);
    if (value && typeof value === 'object') return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new KeylessError('ERR_BAD_RESPONSE', `Vault's reply to the ${what} is not JSON.`, {
    remedy: 'Check that url points at Vault itself, not a proxy or a login page.',
  });
}

/** A Vault client, e.g. `vaultClient({ url, namespace, ca })`. */
export function vaultClient(endpoint: VaultEndpoint, http: HttpClient = send): VaultWire {
  const base = new URL(endpoint.url.href.endsWith('/') ? endpoint.url.href : `${endpoint.url.href}/`);
  const call = (method: 'GET' | 'POST', path: string, token?: string, body?: unknown) =>
    http({
      url: new URL(`v1/${path}`, base),
      method,
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { 'x-vault-token': token } : {}),
        ...(endpoint.namespace ? { 'x-vault-namespace': endpoint.namespace } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      ...(endpoint.ca ? { ca: endpoint.ca } : {}),
    });
  return {
    async login(mount, role, jwt) {
      const what = `login to auth/${mount}`;
      const response = await call('POST', `auth/${mount}/login`, undefined, {
        jwt,
        ...(role ? { role } : {}),
      });
      if (response.status !== 200) throw vaultError(response, what);
      const auth = parseJson(response, what).auth as Record<string, unknown> | null | undefined;
      if (typeof auth?.client_token !== 'string' || !auth.client_token) {
        throw new KeylessError('ERR_BAD_RESPONSE', `Vault's reply to the ${what} holds no token.`);
      }
      return {
        token: auth.client_token,
        policies: Array.isArray(auth.policies) ? auth.policies.map(String) : [],
        leaseSeconds: Number(auth.lease_duration ?? 0),
        tokenType: auth.token_type === 'batch' || auth.client_token.startsWith('hvb.') ? 'batch' : 'service',
      };
    },
    async read(path, token) {
      const response = await call('GET', path, token);
      if (response.status !== 200) throw vaultError(response, `read of ${path}`);
      const reply = parseJson(response, `read of ${path}`);
      const data = reply.data;
      if (!data || typeof data !== 'object')
        throw new KeylessError('ERR_BAD_RESPONSE', `Vault's reply for ${path} holds no data.`);
      const leaseId = typeof reply.lease_id === 'string' && reply.lease_id ? reply.lease_id : undefined;
      return {
        data: data as Record<string, unknown>,
        leaseId,
        leaseSeconds: Number(reply.lease_duration ?? 0),
      };
    },
    async revokeSelf(token) {
      const response = await call('POST', 'auth/token/revoke-self', token);
      if (response.status !== 204 && response.status !== 200)
        throw vaultError(response, 'revocation of the token');
    },
  };
}
