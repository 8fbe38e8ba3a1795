/**
 * How a client library can fetch fresh tokens itself: a URL with headers (the GitHub ID-token endpoint) or
 * a file the platform keeps fresh. It is what an `external_account` credentials file calls `credential_source`.
 */
export type ExternalSource =
  | { readonly url: string; readonly headers: Readonly<Record<string, string>>; readonly field: string }
  | { readonly file: string };

/** Where a job's OIDC token comes from: one implementation per CI system's way of handing it over. */
export interface IdentitySource {
  /** A short, non-secret description for logs, e.g. `the GitHub ID-token endpoint`. */
  readonly description: string;
  /** Returns a fresh OIDC token for `audience`, e.g. `await source.getToken('sts.amazonaws.com')`. */
  getToken(audience: string): Promise<string>;
  /** Where a client library can fetch fresh tokens for `audience` itself; absent when it cannot. */
  externalSource?(audience: string): ExternalSource;
}
