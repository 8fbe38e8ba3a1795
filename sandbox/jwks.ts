/**
 * How every emulated cloud verifies an OIDC token, as the real ones do: find the issuer's JWKS through its
 * discovery document (fetched over HTTP once per issuer), then check the RS256 signature and the times.
 */
import { createRemoteJWKSet, type JWTPayload, type JWTVerifyOptions, jwtVerify } from 'jose';

/** The verification keys of every issuer seen so far. */
export class IssuerKeys {
  readonly #sets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

  /** Verifies `token` against `issuer`'s keys; throws jose's errors (JWTExpired…), or the fetch's when unreachable. */
  async verify(token: string, issuer: string, options: JWTVerifyOptions = {}): Promise<JWTPayload> {
    let keys = this.#sets.get(issuer);
    if (!keys) {
      const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as {
        jwks_uri: string;
      };
      keys = createRemoteJWKSet(new URL(discovery.jwks_uri));
      this.#sets.set(issuer, keys);
    }
    return (await jwtVerify(token, keys, { algorithms: ['RS256'], ...options })).payload;
  }
}
