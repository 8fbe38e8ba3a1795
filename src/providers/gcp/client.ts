/**
 * The wire layer for Google Cloud: the STS token exchange and IAM Credentials' generateAccessToken and
 * generateIdToken, over keyless's HTTP client. 429 and 5xx are transient; Google's own error bodies are
 * carried as facts.
 */
import { KeylessError, scrub } from '../../core/errors.ts';
import {
  type HttpClient,
  type HttpResponse,
  isTransientStatus,
  retryAfterMs,
  send,
} from '../../core/http.ts';

/** The calls keyless makes to Google Cloud. */
export interface GcpWire {
  exchange(
    provider: string,
    subjectToken: string,
    scopes: readonly string[],
  ): Promise<{ readonly token: string; readonly expiresIn: number }>;
  generateAccessToken(
    bearer: string,
    account: string,
    scopes: readonly string[],
    lifetimeSeconds: number,
  ): Promise<{ readonly token: string; readonly expireTime: string }>;
  generateIdToken(bearer: string, account: string, audience: string, includeEmail: boolean): Promise<string>;
}

/** Google's error as one fact: STS's `error: description`, or IAM's `STATUS: message`. */
function googleMessage(response: HttpResponse): string {
  try {
    const body = JSON.parse(response.body) as { error?: unknown; error_description?: unknown };
    if (typeof body.error === 'string')
      return scrub(`${body.error}: ${String(body.error_description ?? '')}`);
    const error = body.error as { status?: string; message?: string } | undefined;
    if (error?.message) return scrub(`${error.status ?? 'ERROR'}: ${error.message}`);
  } catch {
    // not Google's JSON: say nothing of the body
  }
  return `HTTP ${response.status}`;
}

/** A KeylessError for a failed call; trust-shaped failures get ERR_TRUST_REJECTED. */
export function gcpError(response: HttpResponse, what: string): KeylessError {
  const transient = isTransientStatus(response.status);
  const message = googleMessage(response);
  const trust = /^(invalid_grant|unauthorized_client|PERMISSION_DENIED)/.test(message);
  const code = transient ? 'ERR_UNAVAILABLE' : trust ? 'ERR_TRUST_REJECTED' : 'ERR_REQUEST_REJECTED';
  return new KeylessError(code, `Google Cloud refused ${what} (HTTP ${response.status}).`, {
    transient,
    ...(transient ? { retryAfterMs: retryAfterMs(response) ?? 0 } : {}),
    facts: { 'Google error': message },
  });
}

function field(response: HttpResponse, name: string, what: string): string {
  try {
    const value = (JSON.parse(response.body) as Record<string, unknown>)[name];
    if (typeof value === 'string' && value) return value;
  } catch {
    // reported below
  }
  throw new KeylessError('ERR_BAD_RESPONSE', `Google Cloud's reply to ${what} holds no ${name}.`, {
    remedy: 'Check GHA_ENDPOINT_OVERRIDE_sts and GHA_ENDPOINT_OVERRIDE_iamcredentials, if set.',
  });
}

/** A client for the given endpoints, e.g. `gcpClient('https://sts.googleapis.com/v1', 'https://iamcredentials.googleapis.com/v1')`. */
export function gcpClient(sts: string, iam: string, http: HttpClient = send): GcpWire {
  const post = async (url: string, body: unknown, what: string, bearer?: string) => {
    const response = await http({
      url: new URL(url),
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      },
      body: JSON.stringify(body),
    });
    if (response.status !== 200) throw gcpError(response, what);
    return response;
  };
  const account = (email: string) => `${iam}/projects/-/serviceAccounts/${encodeURIComponent(email)}`;
  return {
    async exchange(provider, subjectToken, scopes) {
      const what = 'the token exchange';
      const response = await post(
        `${sts}/token`,
        {
          audience: `//iam.googleapis.com/${provider}`,
          grantType: 'urn:ietf:params:oauth:grant-type:token-exchange',
          requestedTokenType: 'urn:ietf:params:oauth:token-type:access_token',
          scope: scopes.join(' '),
          subjectTokenType: 'urn:ietf:params:oauth:token-type:jwt',
          subjectToken,
        },
        what,
      );
      const expiresIn = Number((JSON.parse(response.body) as { expires_in?: unknown }).expires_in ?? 0);
      return { token: field(response, 'access_token', what), expiresIn };
    },
    async generateAccessToken(bearer, email, scopes, lifetimeSeconds) {
      const what = `generateAccessToken for ${email}`;
      const response = await post(
        `${account(email)}:generateAccessToken`,
        { scope: scopes, lifetime: `${lifetimeSeconds}s` },
        what,
        bearer,
      );
      return { token: field(response, 'accessToken', what), expireTime: field(response, 'expireTime', what) };
    },
    async generateIdToken(bearer, email, audience, includeEmail) {
      const what = `generateIdToken for ${email}`;
      const response = await post(
        `${account(email)}:generateIdToken`,
        { audience, includeEmail },
        what,
        bearer,
      );
      return field(response, 'token', what);
    },
  };
}
