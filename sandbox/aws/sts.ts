/**
 * AWS STS on the wire: unsigned AssumeRoleWithWebIdentity that verifies the JWT against the issuer's JWKS
 * (found through its discovery document, over HTTP, as AWS does), checks exp, aud and the role's trust rule
 * on sub; and SigV4-verified GetCallerIdentity for the sessions it issued.
 */
import { randomBytes } from 'node:crypto';
import { decodeJwt, errors } from 'jose';
import type { Faults } from '../faults.ts';
import { form, type SandboxModule, type SandboxRequest, type SandboxResponse } from '../http.ts';
import { IssuerKeys } from '../jwks.ts';
import type { Ledger } from '../ledger.ts';
import { verifySigV4 } from './sigv4.ts';
import { esc, stsError, stsResult } from './xml.ts';

/** A role and its trust rule: the token's `aud` must equal, its `sub` must match the glob. */
export interface AwsRole {
  readonly arn: string;
  readonly audience: string;
  readonly subject: string;
  readonly maxSessionDuration?: number;
}

/** An IAM OIDC identity provider registered in the sandbox's accounts. */
export interface AwsOidcProvider {
  readonly url: string;
  readonly audiences: readonly string[];
}

interface Session {
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
  readonly arn: string;
  readonly userId: string;
  readonly account: string;
}

const b32 = (n: number) =>
  Array.from(randomBytes(n), (b) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[b % 32]).join('');
const glob = (pattern: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );

/** The STS module, mounted at `/aws`. */
export class AwsSts implements SandboxModule {
  readonly prefix = '/aws';
  readonly roles = new Map<string, AwsRole>();
  readonly providers: AwsOidcProvider[] = [];
  readonly #sessions = new Map<string, Session>();
  readonly #keys = new IssuerKeys();
  readonly #ledger: Ledger;
  readonly #faults: Faults;

  constructor(ledger: Ledger, faults: Faults) {
    this.#ledger = ledger;
    this.#faults = faults;
  }

  /** Adds a role, e.g. `sts.addRole({ arn, audience: 'sts.amazonaws.com', subject: 'repo:o/r:*' })`. */
  addRole(role: AwsRole): void {
    this.roles.set(role.arn, role);
  }

  async handle(request: SandboxRequest): Promise<SandboxResponse> {
    if (request.method !== 'POST') return stsError(400, 'InvalidAction', 'STS accepts POST requests.');
    const params = form(request.body);
    if (params.Version !== '2011-06-15')
      return stsError(400, 'InvalidParameterValue', 'Unsupported Version.');
    const fault = this.#faults.take(`aws.${params.Action}`);
    if (fault)
      return stsError(fault.status, fault.code ?? 'InternalFailure', fault.message ?? 'injected failure');
    if (params.Action === 'AssumeRoleWithWebIdentity') return this.#assume(params);
    if (params.Action === 'GetCallerIdentity') return this.#whoAmI(request);
    return stsError(
      400,
      'InvalidAction',
      `Could not find operation ${params.Action ?? ''} for version 2011-06-15`,
    );
  }

  async #assume(p: Record<string, string>): Promise<SandboxResponse> {
    const invalid = validate(p);
    if (invalid) return stsError(400, 'ValidationError', invalid);
    const token = p.WebIdentityToken ?? '';
    let iss: string | undefined;
    try {
      iss = decodeJwt(token).iss;
    } catch {
      return stsError(400, 'InvalidIdentityToken', "Couldn't parse the web identity token.");
    }
    const provider = this.providers.find((candidate) => candidate.url === iss);
    if (!provider || !iss) {
      return stsError(
        400,
        'InvalidIdentityToken',
        `No OpenIDConnect provider found in your account for ${iss ?? '(no iss)'}`,
      );
    }
    const verified = await this.#verify(token, iss);
    if ('error' in verified) return verified.error;
    const { claims } = verified;
    const aud = [claims.aud ?? []].flat();
    if (!aud.some((a) => provider.audiences.includes(a)))
      return stsError(400, 'InvalidIdentityToken', 'Incorrect token audience');
    const role = this.roles.get(p.RoleArn ?? '');
    if (!role || !aud.includes(role.audience) || !glob(role.subject).test(String(claims.sub))) {
      return stsError(403, 'AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity');
    }
    const duration = Number(p.DurationSeconds ?? 3600);
    if (duration > (role.maxSessionDuration ?? 3600)) {
      return stsError(
        400,
        'ValidationError',
        'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      );
    }
    return this.#issue(role, p.RoleSessionName ?? '', duration, String(claims.sub), String(aud[0]), iss);
  }

  async #verify(token: string, iss: string) {
    try {
      return { claims: await this.#keys.verify(token, iss, { issuer: iss }) };
    } catch (error) {
      if (error instanceof errors.JWTExpired) {
        const exp = Number(decodeJwt(token).exp);
        const now = Math.floor(Date.now() / 1000);
        return {
          error: stsError(
            400,
            'ExpiredTokenException',
            `Token expired: current date/time ${now} must be before the expiration date/time ${exp}`,
          ),
        };
      }
      if (error instanceof errors.JOSEError) {
        return {
          error: stsError(
            400,
            'InvalidIdentityToken',
            'The web identity token could not be verified with the provider keys.',
          ),
        };
      }
      return {
        error: stsError(
          400,
          'IDPCommunicationError',
          "Couldn't retrieve verification key from your identity provider, please reference AssumeRoleWithWebIdentity documentation for requirements",
        ),
      };
    }
  }

  #issue(
    role: AwsRole,
    sessionName: string,
    duration: number,
    sub: string,
    aud: string,
    iss: string,
  ): SandboxResponse {
    const account = role.arn.split(':')[4] ?? '';
    const roleName = role.arn.split('/').pop() ?? '';
    const accessKeyId = this.#ledger.issue(`ASIA${b32(16)}`);
    const session: Session = {
      secretAccessKey: this.#ledger.issue(randomBytes(30).toString('base64')),
      sessionToken: this.#ledger.issue(`IQoJb3JpZ2luX2Vj${randomBytes(420).toString('base64')}`),
      expiration: new Date(Date.now() + duration * 1000),
      arn: `arn:aws:sts::${account}:assumed-role/${roleName}/${sessionName}`,
      userId: `AROA${b32(17)}:${sessionName}`,
      account,
    };
    this.#sessions.set(accessKeyId, session);
    return stsResult(
      'AssumeRoleWithWebIdentity',
      `<Audience>${esc(aud)}</Audience><AssumedRoleUser><AssumedRoleId>${esc(session.userId)}</AssumedRoleId>` +
        `<Arn>${esc(session.arn)}</Arn></AssumedRoleUser>` +
        `<Provider>arn:aws:iam::${account}:oidc-provider/${esc(iss.replace(/^https?:\/\//, ''))}</Provider>` +
        `<Credentials><AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>${esc(session.secretAccessKey)}</SecretAccessKey>` +
        `<SessionToken>${esc(session.sessionToken)}</SessionToken><Expiration>${session.expiration.toISOString()}</Expiration></Credentials>` +
        `<SubjectFromWebIdentityToken>${esc(sub)}</SubjectFromWebIdentityToken>`,
    );
  }

  #whoAmI(request: SandboxRequest): SandboxResponse {
    const result = verifySigV4(request, (akid) => this.#sessions.get(akid)?.secretAccessKey);
    if (!result.ok) return stsError(result.status, result.code, result.message);
    const session = this.#sessions.get(result.accessKeyId);
    if (!session || request.headers['x-amz-security-token'] !== session.sessionToken) {
      return stsError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
    }
    if (session.expiration.getTime() <= Date.now()) {
      return stsError(403, 'ExpiredToken', 'The security token included in the request is expired');
    }
    return stsResult(
      'GetCallerIdentity',
      `<Arn>${esc(session.arn)}</Arn><UserId>${esc(session.userId)}</UserId><Account>${session.account}</Account>`,
    );
  }
}

/** STS's own parameter validation, in its message format; undefined when the request is well-formed. */
function validate(p: Record<string, string>): string | undefined {
  const fail = (value: string, member: string, constraint: string) =>
    `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${constraint}`;
  const arn = p.RoleArn ?? '';
  if (arn.length < 20 || arn.length > 2048)
    return fail(arn, 'roleArn', 'Member must have length between 20 and 2048');
  const name = p.RoleSessionName ?? '';
  if (!/^[\w+=,.@-]{2,64}$/.test(name)) {
    return fail(
      name,
      'roleSessionName',
      'Member must satisfy regular expression pattern: [\\w+=,.@-]* and have length between 2 and 64',
    );
  }
  const token = p.WebIdentityToken ?? '';
  if (token.length < 4 || token.length > 20000)
    return fail('***', 'webIdentityToken', 'Member must have length between 4 and 20000');
  const duration = Number(p.DurationSeconds ?? 3600);
  if (!(duration >= 900 && duration <= 43200)) {
    return fail(String(p.DurationSeconds), 'durationSeconds', 'Member must have value between 900 and 43200');
  }
  if ((p.Policy ?? '').length > 2048)
    return fail('***', 'policy', 'Member must have length less than or equal to 2048');
  if (Object.keys(p).some((key) => /^PolicyArns\.member\.(1[1-9]|[2-9]\d)\./.test(key))) {
    return fail('***', 'policyArns', 'Member must have length less than or equal to 10');
  }
  return undefined;
}
