/**
 * The GitHub Actions ID-token endpoint: one request per audience, retried on 5xx, 429 and network errors,
 * never on 401/403/404. A job without `id-token: write` is told so before any network call.
 */
import { KeylessError } from '../core/errors.ts';
import { type HttpClient, isTransientStatus, retryAfterMs, send } from '../core/http.ts';
import {
  DEFAULT_RETRY,
  type RetryClock,
  type RetryListener,
  SYSTEM_CLOCK,
  withRetry,
} from '../core/retry.ts';
import { secureUrl } from '../core/urls.ts';
import type { IdentitySource } from './source.ts';

/** What the GitHub identity source needs besides the runner's variables. */
export interface GitHubIdentityOptions {
  readonly http?: HttpClient;
  readonly clock?: RetryClock;
  readonly onRetry?: RetryListener;
}

const REMEDY_PERMISSION =
  'Add `permissions: id-token: write` to the workflow or job. Pull requests from forks and Dependabot ' +
  'never get this permission; use a `pull_request_target` or `workflow_run` design with care instead.';

/** Whether the runner handed this job the means to request an ID token. */
export function hasGitHubIdentity(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
}

/**
 * The ID-token source of a GitHub Actions job, e.g. `githubIdentity(process.env)`. Throws ERR_OIDC_PERMISSION
 * at once when the job lacks `id-token: write`, and ERR_INSECURE_URL for a non-loopback http endpoint.
 */
export function githubIdentity(env: NodeJS.ProcessEnv, options: GitHubIdentityOptions = {}): IdentitySource {
  const { ACTIONS_ID_TOKEN_REQUEST_URL: rawUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: bearer } = env;
  if (!rawUrl || !bearer) {
    throw new KeylessError('ERR_OIDC_PERMISSION', 'This job cannot request an OIDC token from GitHub.', {
      facts: { missing: rawUrl ? 'ACTIONS_ID_TOKEN_REQUEST_TOKEN' : 'ACTIONS_ID_TOKEN_REQUEST_URL' },
      remedy: REMEDY_PERMISSION,
    });
  }
  const base = secureUrl(rawUrl, 'ACTIONS_ID_TOKEN_REQUEST_URL');
  const http = options.http ?? send;
  return {
    description: 'the GitHub ID-token endpoint',
    externalSource: (audience) => {
      const url = new URL(base);
      url.searchParams.set('audience', audience);
      return { url: url.href, headers: { Authorization: `Bearer ${bearer}` }, field: 'value' };
    },
    getToken: (audience) =>
      withRetry(
        () => requestToken(http, base, bearer, audience),
        DEFAULT_RETRY,
        options.clock ?? SYSTEM_CLOCK,
        options.onRetry,
      ),
  };
}

async function requestToken(http: HttpClient, base: URL, bearer: string, audience: string): Promise<string> {
  const url = new URL(base);
  // An empty audience asks for GitHub's default (`https://github.com/OWNER`); only `keyless doctor` does that.
  if (audience) url.searchParams.set('audience', audience);
  const response = await http({
    url,
    headers: { authorization: `Bearer ${bearer}`, accept: 'application/json; api-version=2.0' },
  });
  if (response.status !== 200) {
    const transient = isTransientStatus(response.status);
    throw new KeylessError(
      'ERR_OIDC_REQUEST',
      `GitHub's ID-token endpoint answered HTTP ${response.status}.`,
      {
        transient,
        ...(transient ? { retryAfterMs: retryAfterMs(response) ?? 0 } : {}),
        facts: { audience: JSON.stringify(audience) },
        remedy: transient
          ? "GitHub's token service is failing; re-run the job or check githubstatus.com."
          : `The runner refused the request: ${REMEDY_PERMISSION}`,
      },
    );
  }
  const token = parseValue(response.body);
  if (!token) {
    throw new KeylessError('ERR_OIDC_REQUEST', "GitHub's ID-token endpoint returned no token.", {
      transient: true,
      remedy: "Re-run the job; if it persists, GitHub's token service is degraded.",
    });
  }
  return token;
}

function parseValue(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    const value = (parsed as { value?: unknown } | null)?.value;
    return typeof value === 'string' && value.length > 0 ? value : undefined;
  } catch {
    return undefined;
  }
}
