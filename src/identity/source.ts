/** Where a job's OIDC token comes from: one implementation per CI system's way of handing it over. */
export interface IdentitySource {
  /** A short, non-secret description for logs, e.g. `the GitHub ID-token endpoint`. */
  readonly description: string;
  /** Returns a fresh OIDC token for `audience`, e.g. `await source.getToken('sts.amazonaws.com')`. */
  getToken(audience: string): Promise<string>;
}
