/**
 * A GitHub-shaped OIDC issuer: discovery document, JWKS, and the runner's ID-token request endpoint with
 * its bearer check. Tokens are RS256 JWTs with the claims GitHub puts in them.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { Faults } from './faults.ts';
import { json, type SandboxModule, type SandboxRequest, type SandboxResponse } from './http.ts';
import type { Ledger } from './ledger.ts';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

/** The job the issuer mints tokens for; consistent with the runner variables of `githubJobEnv()`. */
export const GITHUB_JOB = {
  repository: 'keyless-dev/demo',
  repository_owner: 'keyless-dev',
  repository_owner_id: '190000001',
  repository_id: '880000001',
  repository_visibility: 'private',
  ref: 'refs/heads/main',
  ref_type: 'branch',
  ref_protected: 'true',
  sha: 'a3f1c0de5b6e4f0c9d8e7a6b5c4d3e2f1a0b9c8d',
  run_id: '16429043581',
  run_number: '42',
  run_attempt: '1',
  actor: 'octocat',
  actor_id: '583231',
  workflow: 'deploy',
  event_name: 'push',
  head_ref: '',
  base_ref: '',
  workflow_ref: 'keyless-dev/demo/.github/workflows/deploy.yml@refs/heads/main',
  workflow_sha: 'a3f1c0de5b6e4f0c9d8e7a6b5c4d3e2f1a0b9c8d',
  job_workflow_ref: 'keyless-dev/demo/.github/workflows/deploy.yml@refs/heads/main',
  job_workflow_sha: 'a3f1c0de5b6e4f0c9d8e7a6b5c4d3e2f1a0b9c8d',
  runner_environment: 'github-hosted',
  check_run_id: '46001234567',
} as const;

/** The default subject, as GitHub forms it for a push to main. */
export const GITHUB_SUB = `repo:${GITHUB_JOB.repository}:ref:${GITHUB_JOB.ref}`;

/** How to mint one token; every field is optional. */
export interface MintOptions {
  readonly audience?: string;
  readonly lifetimeSeconds?: number;
  readonly claims?: Readonly<Record<string, unknown>>;
}

/** The issuer module, mounted at `/oidc`. */
export class OidcIssuer implements SandboxModule {
  readonly prefix = '/oidc';
  readonly issuer: string;
  /** The bearer the runner hands the job as ACTIONS_ID_TOKEN_REQUEST_TOKEN. */
  readonly requestToken: string;
  /** Claims for the next tokens, e.g. `issuer.claims.sub = 'repo:o/r:pull_request'`. */
  claims: Record<string, unknown> = { ...GITHUB_JOB, sub: GITHUB_SUB };
  readonly #key: PrivateKey;
  readonly #jwk: Record<string, unknown>;
  readonly #ledger: Ledger;
  readonly #faults: Faults;

  private constructor(
    origin: string,
    key: PrivateKey,
    jwk: Record<string, unknown>,
    ledger: Ledger,
    faults: Faults,
  ) {
    this.issuer = `${origin}/oidc`;
    this.#key = key;
    this.#jwk = jwk;
    this.#ledger = ledger;
    this.#faults = faults;
    this.requestToken = ledger.issue(`ghrt_${randomBytes(24).toString('base64url')}`);
  }

  /** Makes an issuer with a fresh RSA key, e.g. `await OidcIssuer.create(origin, ledger, faults)`. */
  static async create(origin: string, ledger: Ledger, faults: Faults): Promise<OidcIssuer> {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const kid = randomUUID();
    const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
    return new OidcIssuer(origin, privateKey, jwk, ledger, faults);
  }

  /** The URL a runner gives the job as ACTIONS_ID_TOKEN_REQUEST_URL. */
  get requestUrl(): string {
    return `${this.issuer}/token?api-version=2.0`;
  }

  /** Mints a signed token, e.g. `await issuer.mint({ audience: 'sts.amazonaws.com' })`. */
  async mint(options: MintOptions = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const lifetime = options.lifetimeSeconds ?? 300;
    const token = await new SignJWT({ ...this.claims, ...options.claims, jti: randomUUID() })
      .setProtectedHeader({ alg: 'RS256', kid: String(this.#jwk.kid), typ: 'JWT' })
      .setIssuer(this.issuer)
      .setAudience(options.audience ?? `https://github.com/${GITHUB_JOB.repository_owner}`)
      .setIssuedAt(Math.min(now, now + lifetime - 60))
      .setNotBefore(Math.min(now, now + lifetime - 60))
      .setExpirationTime(now + lifetime)
      .sign(this.#key);
    return this.#ledger.issue(token);
  }

  async handle(request: SandboxRequest): Promise<SandboxResponse> {
    if (request.path === '/.well-known/openid-configuration') {
      return json(200, {
        issuer: this.issuer,
        jwks_uri: `${this.issuer}/.well-known/jwks`,
        subject_types_supported: ['public', 'pairwise'],
        response_types_supported: ['id_token'],
        claims_supported: [
          'sub',
          'aud',
          'exp',
          'iat',
          'iss',
          'jti',
          'nbf',
          'ref',
          'repository',
          'repository_id',
          'run_id',
          'job_workflow_ref',
        ],
        id_token_signing_alg_values_supported: ['RS256'],
        scopes_supported: ['openid'],
      });
    }
    if (request.path === '/.well-known/jwks') return json(200, { keys: [this.#jwk] });
    if (request.path === '/token' && request.method === 'GET') return this.#token(request);
    return json(404, { message: 'Not Found' });
  }

  async #token(request: SandboxRequest): Promise<SandboxResponse> {
    const fault = this.#faults.take('oidc.token');
    if (fault?.body !== undefined) return { status: fault.status, body: fault.body };
    if (fault) return json(fault.status, { message: fault.message ?? 'injected failure' });
    if (request.headers.authorization !== `Bearer ${this.requestToken}`) {
      return json(401, { message: 'Bad credentials' });
    }
    const audience = request.url.searchParams.get('audience') ?? undefined;
    const value = await this.mint(audience === undefined ? {} : { audience });
    return json(200, { count: 1, value });
  }
}

/** The runner variables of the job the issuer mints for (run id and attempt match the claims). */
export function githubJobEnv(): Record<string, string> {
  return {
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_REPOSITORY: GITHUB_JOB.repository,
    GITHUB_RUN_ID: GITHUB_JOB.run_id,
    GITHUB_RUN_NUMBER: GITHUB_JOB.run_number,
    GITHUB_RUN_ATTEMPT: GITHUB_JOB.run_attempt,
    GITHUB_SHA: GITHUB_JOB.sha,
    GITHUB_REF: GITHUB_JOB.ref,
    GITHUB_EVENT_NAME: GITHUB_JOB.event_name,
    GITHUB_WORKFLOW: GITHUB_JOB.workflow,
    GITHUB_ACTOR: GITHUB_JOB.actor,
    RUNNER_OS: 'Linux',
    RUNNER_ENVIRONMENT: GITHUB_JOB.runner_environment,
  };
}
