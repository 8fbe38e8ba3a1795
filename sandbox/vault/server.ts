/**
 * HashiCorp Vault on the wire: JWT auth that verifies the token against the issuer's JWKS and enforces each
 * role's bound_audiences and bound_claims (globs), with Vault's own error texts; KV v2 and v1 reads; a
 * dynamic `database/creds` engine whose leases belong to the reading token; lookup-self and revoke-self
 * (which revokes the token's leases too); X-Vault-Namespace; 403 `permission denied` for dead tokens.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { decodeJwt, errors, type JWTPayload } from 'jose';
import type { Faults } from '../faults.ts';
import { json, type SandboxModule, type SandboxRequest, type SandboxResponse } from '../http.ts';
import { IssuerKeys } from '../jwks.ts';
import type { Ledger } from '../ledger.ts';
import { globPattern, type VaultRole, VaultStore } from './store.ts';

const vaultError = (status: number, ...messages: string[]) => json(status, { errors: messages });
const denied = () => vaultError(403, 'permission denied');
const envelope = (fields: Record<string, unknown>) => ({
  request_id: randomUUID(),
  lease_id: '',
  renewable: false,
  lease_duration: 0,
  data: null,
  wrap_info: null,
  warnings: null,
  auth: null,
  ...fields,
});

/** The Vault module, mounted at `/vault`: point VAULT_ADDR at `<origin>/vault`. */
export class SandboxVault implements SandboxModule {
  readonly prefix = '/vault';
  readonly store = new VaultStore();
  /** Namespaces that exist besides the root one. */
  readonly namespaces = new Set(['', 'ci']);
  /** The JWT auth mounts (`path`) and the issuer each trusts. */
  readonly mounts = new Map<string, string>();
  readonly rootToken: string;
  readonly #keys = new IssuerKeys();
  readonly #ledger: Ledger;
  readonly #faults: Faults;

  constructor(ledger: Ledger, faults: Faults) {
    this.#ledger = ledger;
    this.#faults = faults;
    this.rootToken = `hvs.root${randomBytes(16).toString('hex')}`;
  }

  /** Adds a JWT role, e.g. `vault.addRole('deploy', { boundAudiences: [...], boundClaims: { sub: 'repo:o/r:*' }, … })`. */
  addRole(name: string, role: VaultRole): void {
    this.store.roles.set(name, role);
  }

  async handle(request: SandboxRequest): Promise<SandboxResponse> {
    const namespace = String(request.headers['x-vault-namespace'] ?? '').replace(/\/+$/, '');
    if (!this.namespaces.has(namespace))
      return vaultError(404, `no handler for route "${request.path}". route entry not found.`);
    const path = request.path.replace(/^\/v1\//, '');
    const token = String(request.headers['x-vault-token'] ?? '');
    const login = /^auth\/(.+)\/login$/.exec(path);
    if (login && request.method !== 'GET') return this.#login(login[1] ?? '', request.body, namespace);
    if (path === 'auth/token/lookup-self') return this.#lookupSelf(token, namespace);
    if (path === 'auth/token/revoke-self' && request.method !== 'GET')
      return this.#revokeSelf(token, namespace);
    if (path === 'sys/leases/lookup' && request.method !== 'GET')
      return this.#leaseLookup(token, request.body);
    if (request.method !== 'GET') return vaultError(405, 'unsupported operation');
    return this.#read(path, request.url.searchParams, token, namespace);
  }

  async #login(mount: string, body: string, namespace: string): Promise<SandboxResponse> {
    const fault = this.#faults.take('vault.login');
    if (fault)
      return fault.body === undefined
        ? vaultError(fault.status, fault.message ?? 'Vault is sealed')
        : { status: fault.status, body: fault.body };
    const issuer = this.mounts.get(mount);
    if (!issuer) return vaultError(400, `no handler for route "auth/${mount}/login". route entry not found.`);
    const { role: roleName, jwt } = JSON.parse(body || '{}') as { role?: string; jwt?: string };
    if (!jwt) return vaultError(400, 'missing token');
    if (!roleName) return vaultError(400, 'missing role');
    const role = this.store.roles.get(roleName);
    if (!role) return vaultError(400, `role "${roleName}" could not be found`);
    const verified = await this.#verify(jwt, issuer);
    if (typeof verified === 'string') return vaultError(400, verified);
    const rejection = boundClaimsRejection(role, verified);
    if (rejection) return vaultError(400, rejection);
    const token = this.#ledger.issue(this.store.issueToken(roleName, role, namespace));
    const issued = this.store.tokens.get(token);
    return json(
      200,
      envelope({
        auth: {
          client_token: token,
          accessor: issued?.accessor,
          policies: issued?.policies,
          token_policies: issued?.policies,
          metadata: { role: roleName },
          lease_duration: role.ttlSeconds,
          renewable: role.tokenType === 'service',
          entity_id: randomUUID(),
          token_type: role.tokenType,
          orphan: true,
          mfa_requirement: null,
          num_uses: 0,
        },
        mount_type: 'jwt',
      }),
    );
  }

  async #verify(jwt: string, issuer: string): Promise<JWTPayload | string> {
    try {
      const payload = await this.#keys.verify(jwt, issuer, { clockTolerance: 150 });
      if (payload.iss !== issuer) return 'error validating token: invalid issuer (iss) claim';
      return payload;
    } catch (error) {
      if (error instanceof errors.JWTExpired)
        return 'error validating token: invalid expiration time (exp) claim: token is expired';
      if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'nbf') {
        return 'error validating token: invalid not before (nbf) claim: token not yet valid';
      }
      try {
        decodeJwt(jwt);
      } catch {
        return 'error validating token: malformed token';
      }
      return `error validating token: error verifying token signature: ${(error as Error).message}`;
    }
  }

  #lookupSelf(token: string, namespace: string): SandboxResponse {
    const found = this.store.live(token);
    if (!found || found.namespace !== namespace) return denied();
    return json(
      200,
      envelope({
        data: {
          accessor: found.accessor,
          policies: found.policies,
          ttl: Math.max(0, Math.floor((found.expiresAt - Date.now()) / 1000)),
          type: found.type,
          display_name: `jwt-${found.role}`,
          meta: { role: found.role },
        },
      }),
    );
  }

  #revokeSelf(token: string, namespace: string): SandboxResponse {
    const fault = this.#faults.take('vault.revoke');
    if (fault) return vaultError(fault.status, fault.message ?? 'injected failure');
    const found = this.store.live(token);
    if (!found || found.namespace !== namespace) return denied();
    if (found.type === 'batch') return vaultError(400, 'batch tokens cannot be revoked');
    this.store.revoke(token);
    return { status: 204, body: '' };
  }

  #leaseLookup(token: string, body: string): SandboxResponse {
    if (token !== this.rootToken) return denied();
    const { lease_id: id = '' } = JSON.parse(body || '{}') as { lease_id?: string };
    const lease = this.store.leases.get(id);
    if (!lease || !this.store.leaseAlive(id)) return vaultError(400, 'invalid lease');
    return json(
      200,
      envelope({ data: { id, expire_time: new Date(lease.expiresAt).toISOString(), renewable: true } }),
    );
  }

  #read(path: string, query: URLSearchParams, token: string, namespace: string): SandboxResponse {
    const fault = this.#faults.take('vault.read');
    if (fault) return vaultError(fault.status, fault.message ?? 'injected failure');
    const found = this.store.live(token);
    if (!found || found.namespace !== namespace || !this.store.canRead(found, path)) return denied();
    const kv2 = /^secret\/data\/(.+)$/.exec(path);
    if (kv2) {
      const data = this.store.kv2.get(kv2[1] ?? '');
      if (!data || (query.has('version') && query.get('version') !== '1')) return vaultError(404);
      const metadata = {
        created_time: '2026-11-01T00:00:00Z',
        custom_metadata: null,
        deletion_time: '',
        destroyed: false,
        version: 1,
      };
      return json(200, envelope({ data: { data, metadata } }));
    }
    if (path.startsWith('secret/')) {
      return json(404, {
        errors: [],
        warnings: [
          "Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv get' for this operation.",
        ],
      });
    }
    const kv1 = /^kv1\/(.+)$/.exec(path);
    if (kv1) {
      const data = this.store.kv1.get(kv1[1] ?? '');
      return data ? json(200, envelope({ data, lease_duration: 2764800 })) : vaultError(404);
    }
    const creds = /^database\/creds\/([\w-]+)$/.exec(path);
    if (creds) {
      const lease = this.store.lease(path, token, 3600);
      const data = {
        username: `v-jwt-${creds[1]}-${randomBytes(6).toString('hex')}`,
        password: this.#ledger.issue(`A1a-${randomBytes(15).toString('base64url')}`),
      };
      return json(200, envelope({ lease_id: lease.id, lease_duration: 3600, renewable: true, data }));
    }
    return vaultError(404);
  }
}

/** Vault's bound_audiences and bound_claims checks, with its own messages; undefined when the token passes. */
function boundClaimsRejection(role: VaultRole, claims: JWTPayload): string | undefined {
  const audiences = [claims.aud ?? []].flat();
  if (role.boundAudiences.length === 0 && audiences.length > 0)
    return 'audience claim found in JWT but no audiences bound to the role';
  if (!audiences.some((aud) => role.boundAudiences.includes(aud))) {
    return 'error validating token: invalid audience (aud) claim: audience claim does not match any expected audience';
  }
  for (const [claim, pattern] of Object.entries(role.boundClaims)) {
    const value = claims[claim];
    if (value === undefined) return `error validating claims: claim "${claim}" is missing`;
    if (!globPattern(pattern).test(String(value)))
      return `error validating claims: claim "${claim}" does not match any associated bound claim values`;
  }
  if (claims[role.userClaim] === undefined) return `claim "${role.userClaim}" not found in token`;
  return undefined;
}
