/** The sandbox Vault's state: roles, policies, secrets, tokens and the leases each token owns. */
import { randomBytes } from 'node:crypto';

/** A JWT auth role, as `vault write auth/jwt/role/NAME` would configure it. */
export interface VaultRole {
  readonly boundAudiences: readonly string[];
  /** Claim → glob pattern (bound_claims_type=glob). */
  readonly boundClaims: Readonly<Record<string, string>>;
  readonly userClaim: string;
  readonly policies: readonly string[];
  readonly ttlSeconds: number;
  readonly tokenType: 'service' | 'batch';
}

/** A token Vault issued. */
export interface VaultToken {
  readonly accessor: string;
  readonly policies: readonly string[];
  readonly namespace: string;
  readonly type: 'service' | 'batch';
  readonly expiresAt: number;
  readonly role: string;
  revoked: boolean;
}

/** A lease on a dynamic secret, owned by the token that read it. */
export interface VaultLease {
  readonly id: string;
  readonly owner: string;
  readonly expiresAt: number;
  revoked: boolean;
}

const random = (bytes: number) => randomBytes(bytes).toString('base64url');

/** Turns a Vault glob (`*` any run) into a RegExp. */
export function globPattern(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\?]/g, '\\$&').replace(/\*/g, '.*')}$`);
}

/** Everything the sandbox Vault remembers. */
export class VaultStore {
  readonly roles = new Map<string, VaultRole>();
  /** Policy name → path globs it may read. */
  readonly policies = new Map<string, readonly string[]>();
  /** KV v2 mount `secret/`: path → data. */
  readonly kv2 = new Map<string, Record<string, unknown>>();
  /** KV v1 mount `kv1/`: path → data. */
  readonly kv1 = new Map<string, Record<string, unknown>>();
  readonly tokens = new Map<string, VaultToken>();
  readonly leases = new Map<string, VaultLease>();

  /** Issues a token for a role; service tokens look like `hvs.…`, batch tokens like `hvb.…`. */
  issueToken(roleName: string, role: VaultRole, namespace: string): string {
    const token = role.tokenType === 'batch' ? `hvb.AAAAAQ${random(90)}` : `hvs.CAESI${random(64)}`;
    this.tokens.set(token, {
      accessor: random(18),
      policies: ['default', ...role.policies],
      namespace,
      type: role.tokenType,
      expiresAt: Date.now() + role.ttlSeconds * 1000,
      role: roleName,
      revoked: false,
    });
    return token;
  }

  /** The live token, or undefined when it is unknown, revoked or expired. */
  live(token: string | undefined): VaultToken | undefined {
    const found = token ? this.tokens.get(token) : undefined;
    return found && !found.revoked && found.expiresAt > Date.now() ? found : undefined;
  }

  /** Whether a token's policies let it read `path`. */
  canRead(token: VaultToken, path: string): boolean {
    return token.policies.some((name) =>
      (this.policies.get(name) ?? []).some((glob) => globPattern(glob).test(path)),
    );
  }

  /** Opens a lease owned by `owner`. */
  lease(path: string, owner: string, seconds: number): VaultLease {
    const lease = {
      id: `${path}/${random(18)}`,
      owner,
      expiresAt: Date.now() + seconds * 1000,
      revoked: false,
    };
    this.leases.set(lease.id, lease);
    return lease;
  }

  /** Revokes a token and every lease it owns. */
  revoke(token: string): void {
    const found = this.tokens.get(token);
    if (found) found.revoked = true;
    for (const lease of this.leases.values()) if (lease.owner === token) lease.revoked = true;
  }

  /** Whether a lease is still alive. */
  leaseAlive(id: string): boolean {
    const lease = this.leases.get(id);
    return Boolean(lease && !lease.revoked && lease.expiresAt > Date.now());
  }
}
