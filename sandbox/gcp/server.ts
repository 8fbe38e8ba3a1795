/**
 * Google Cloud on the wire: STS `POST /v1/token` (token exchange; JSON camelCase or form snake_case) that
 * verifies the subject token against its issuer's JWKS, the provider's audience and its attribute condition,
 * with Google's own error bodies; IAM Credentials `generateAccessToken` and `generateIdToken` for bound
 * principals; and a Cloud Storage stand-in that accepts only live tokens.
 */
import { randomBytes } from 'node:crypto';
import { decodeJwt, errors, generateKeyPair, SignJWT } from 'jose';
import type { Faults } from '../faults.ts';
import { form, json, type SandboxModule, type SandboxRequest, type SandboxResponse } from '../http.ts';
import { IssuerKeys } from '../jwks.ts';
import type { Ledger } from '../ledger.ts';

/** A workload identity pool provider. */
export interface GcpProvider {
  readonly issuer: string;
  /** Empty: the token's aud must be the provider's own resource name (https:// or //). */
  readonly allowedAudiences: readonly string[];
  /** The attribute condition, as a predicate on the token's claims. */
  readonly condition: (claims: Record<string, unknown>) => boolean;
}

interface Token {
  readonly expiresAt: number;
  readonly principal: string;
}

const oauthError = (error: string, description: string) =>
  json(400, { error, error_description: description });
const googleError = (code: number, status: string, message: string) =>
  json(code, { error: { code, message, status } });

/** The GCP module, mounted at `/gcp`: STS at `/gcp/sts`, IAM Credentials at `/gcp/iamcredentials`. */
export class SandboxGcp implements SandboxModule {
  readonly prefix = '/gcp';
  /** Providers by resource name `projects/N/locations/global/workloadIdentityPools/P/providers/X`. */
  readonly providers = new Map<string, GcpProvider>();
  /** Service account email → principals (`principal://…/subject/SUB`) holding roles/iam.workloadIdentityUser. */
  readonly bindings = new Map<string, string[]>();
  readonly #tokens = new Map<string, Token>();
  readonly #keys = new IssuerKeys();
  readonly #ledger: Ledger;
  readonly #faults: Faults;
  #key: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'] | undefined;

  constructor(ledger: Ledger, faults: Faults) {
    this.#ledger = ledger;
    this.#faults = faults;
  }

  /** Whether a token is one the sandbox issued and still live. */
  live(token: string): boolean {
    return (this.#tokens.get(token)?.expiresAt ?? 0) > Date.now();
  }

  async handle(request: SandboxRequest): Promise<SandboxResponse> {
    if (request.path === '/sts/v1/token' && request.method === 'POST') return this.#exchange(request);
    const iam =
      /^\/iamcredentials\/v1\/projects\/-\/serviceAccounts\/([^:/]+):(generateAccessToken|generateIdToken)$/.exec(
        request.path,
      );
    if (iam && request.method === 'POST')
      return this.#iam(decodeURIComponent(iam[1] ?? ''), iam[2] ?? '', request);
    const bucket = /^\/storage\/v1\/b\/([\w.-]+)$/.exec(request.path);
    if (bucket) {
      const token = String(request.headers.authorization ?? '').replace(/^Bearer /, '');
      if (!this.live(token))
        return googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.');
      return json(200, { kind: 'storage#bucket', name: bucket[1], location: 'EU' });
    }
    return googleError(404, 'NOT_FOUND', 'Not found.');
  }

  /** Reads a token-exchange request in either encoding the clients use. */
  #params(request: SandboxRequest): Record<string, string> {
    if (String(request.headers['content-type'] ?? '').includes('json')) {
      const body = JSON.parse(request.body || '{}') as Record<string, string>;
      const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
      return Object.fromEntries(Object.entries(body).map(([key, value]) => [snake(key), String(value)]));
    }
    return form(request.body);
  }

  async #exchange(request: SandboxRequest): Promise<SandboxResponse> {
    const fault = this.#faults.take('gcp.sts');
    if (fault)
      return fault.code
        ? oauthError(fault.code, fault.message ?? '')
        : json(fault.status, { error: 'internal_failure' });
    const p = this.#params(request);
    if (p.grant_type !== 'urn:ietf:params:oauth:grant-type:token-exchange')
      return oauthError('unsupported_grant_type', 'Unsupported grant_type.');
    const name =
      /^\/\/iam\.googleapis\.com\/(projects\/\d+\/locations\/global\/workloadIdentityPools\/[\w-]+\/providers\/[\w-]+)$/.exec(
        p.audience ?? '',
      )?.[1];
    if (!name) {
      return oauthError(
        'invalid_request',
        'Invalid value for "audience". This value should be the full resource name of the Identity Provider. See https://cloud.google.com/iam/docs/reference/sts/rest/v1/TopLevel/token for the list of possible formats.',
      );
    }
    const provider = this.providers.get(name);
    if (!provider) {
      return oauthError(
        'invalid_target',
        'The target service indicated by the "audience" parameters is invalid. This might either be because the pool or provider is disabled or deleted or because it doesn\'t exist.',
      );
    }
    const verified = await this.#verify(p.subject_token ?? '', provider, name);
    if ('error' in verified) return verified.error;
    const claims = verified.claims;
    if (!provider.condition(claims))
      return json(400, {
        error: 'unauthorized_client',
        error_description: 'The given credential is rejected by the attribute condition.',
      });
    const seconds = Math.min(3599, Number(claims.exp) - Math.floor(Date.now() / 1000));
    const pool = name.replace(/\/providers\/.*$/, '');
    const access = this.#issue(
      `ya29.d.${randomBytes(48).toString('base64url')}`,
      seconds,
      `principal://iam.googleapis.com/${pool}/subject/${String(claims.sub)}`,
    );
    return json(200, {
      access_token: access,
      issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      token_type: 'Bearer',
      expires_in: seconds,
    });
  }

  async #verify(token: string, provider: GcpProvider, name: string) {
    let claims: Record<string, unknown>;
    try {
      claims = decodeJwt(token);
    } catch {
      return { error: oauthError('invalid_grant', 'Unable to parse the ID Token.') };
    }
    if (claims.iss !== provider.issuer) {
      return {
        error: oauthError(
          'invalid_grant',
          `The issuer in ID Token ${String(claims.iss)} does not match the expected ones: ${provider.issuer}`,
        ),
      };
    }
    try {
      await this.#keys.verify(token, provider.issuer, { clockTolerance: 60 });
    } catch (error) {
      if (error instanceof errors.JWTExpired)
        return {
          error: oauthError('invalid_grant', `ID Token issued at ${String(claims.iat)} is stale to sign-in.`),
        };
      return { error: oauthError('invalid_grant', 'Unable to verify the ID Token signature.') };
    }
    const audiences = [claims.aud ?? []].flat().map(String);
    const allowed = provider.allowedAudiences.length
      ? provider.allowedAudiences
      : [`https://iam.googleapis.com/${name}`, `//iam.googleapis.com/${name}`];
    if (!audiences.some((aud) => allowed.includes(aud))) {
      return {
        error: oauthError(
          'invalid_grant',
          `The audience in ID Token [${audiences.join(', ')}] does not match the expected audience.`,
        ),
      };
    }
    return { claims };
  }

  #issue(token: string, seconds: number, principal: string): string {
    this.#tokens.set(this.#ledger.issue(token), { expiresAt: Date.now() + seconds * 1000, principal });
    return token;
  }

  async #iam(account: string, method: string, request: SandboxRequest): Promise<SandboxResponse> {
    const fault = this.#faults.take('gcp.iam');
    if (fault)
      return googleError(
        fault.status,
        fault.code ?? 'UNAVAILABLE',
        fault.message ?? 'The service is currently unavailable.',
      );
    const bearer = String(request.headers.authorization ?? '').replace(/^Bearer /, '');
    const caller = this.#tokens.get(bearer);
    if (!caller || caller.expiresAt <= Date.now())
      return googleError(
        401,
        'UNAUTHENTICATED',
        'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
      );
    if (!(this.bindings.get(account) ?? []).includes(caller.principal)) {
      const permission =
        method === 'generateIdToken'
          ? 'iam.serviceAccounts.getOpenIdToken'
          : 'iam.serviceAccounts.getAccessToken';
      return googleError(
        403,
        'PERMISSION_DENIED',
        `Permission '${permission}' denied on resource (or it may not exist).`,
      );
    }
    const body = JSON.parse(request.body || '{}') as {
      lifetime?: string;
      scope?: string[];
      audience?: string;
      includeEmail?: boolean;
    };
    if (method === 'generateIdToken')
      return json(200, {
        token: this.#ledger.issue(
          await this.#idToken(account, body.audience ?? '', body.includeEmail === true),
        ),
      });
    const seconds = Number(/^(\d+)s$/.exec(body.lifetime ?? '3600s')?.[1] ?? Number.NaN);
    if (!(seconds > 0))
      return googleError(400, 'INVALID_ARGUMENT', 'Lifetime of access token must be larger then zero.');
    if (seconds > 3600) {
      return googleError(
        400,
        'INVALID_ARGUMENT',
        `Access tokens for service account ${account} can not have lifetimes of more than 1 hour. Use the Org Policy Constraint constraints/iam.allowServiceAccountCredentialLifetimeExtension to allow up to 12 hours.`,
      );
    }
    const token = this.#issue(
      `ya29.c.${randomBytes(60).toString('base64url')}`,
      seconds,
      `serviceAccount:${account}`,
    );
    return json(200, {
      accessToken: token,
      expireTime: new Date(Date.now() + seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z'),
    });
  }

  async #idToken(account: string, audience: string, includeEmail: boolean): Promise<string> {
    if (!this.#key) this.#key = (await generateKeyPair('RS256')).privateKey;
    return new SignJWT({
      azp: account,
      sub: '117000000000000000001',
      ...(includeEmail ? { email: account, email_verified: true } : {}),
    })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
      .setIssuer('https://accounts.google.com')
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(this.#key);
  }
}
