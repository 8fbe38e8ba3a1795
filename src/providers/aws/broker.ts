/**
 * The AWS exchange: OIDC token → AssumeRoleWithWebIdentity → GetCallerIdentity with the new session →
 * allowed-account check, all before anything is handed over (fail closed).
 */
import { type Claims, claimFacts, decodeClaims, fingerprint } from '../../core/claims.ts';
import type { Credential } from '../../core/credential.ts';
import { KeylessError } from '../../core/errors.ts';
import { withRetry } from '../../core/retry.ts';
import type { ExchangeContext, Logger } from '../provider.ts';
import { credentialOf } from './credential.ts';
import { stsError } from './errors.ts';
import type { AwsSettings } from './settings.ts';
import type { CallerIdentity, SessionCredentials, StsWire } from './sts.ts';
import { trustRemedy } from './trust.ts';

/** Loads the STS wire client; called once the token request is under way. */
export type WireLoader = () => Promise<StsWire>;

interface Assumed {
  readonly wire: StsWire;
  readonly session: SessionCredentials;
}

interface Token {
  readonly value: string;
  readonly claims: Claims;
}

function badResponse(what: string): KeylessError {
  return new KeylessError('ERR_BAD_RESPONSE', `STS answered without ${what}.`, {
    remedy:
      'Check that sts-endpoint points at AWS STS (or a faithful emulator), not a proxy or another service.',
  });
}

/** One AssumeRoleWithWebIdentity call, its failure classified and its reply checked. */
async function assumeOnce(wire: StsWire, settings: AwsSettings, token: string): Promise<SessionCredentials> {
  const c = await wire
    .assumeRoleWithWebIdentity({
      roleArn: settings.roleArn,
      sessionName: settings.sessionName,
      webIdentityToken: token,
      durationSeconds: settings.durationSeconds,
      policy: settings.inlinePolicy,
      policyArns: settings.managedPolicies,
    })
    .catch((error: unknown) => {
      throw stsError(error, 'AssumeRoleWithWebIdentity');
    });
  if (!c.accessKeyId || !c.secretAccessKey || !c.sessionToken || !c.expiration)
    throw badResponse('complete credentials');
  return {
    accessKeyId: c.accessKeyId,
    secretAccessKey: c.secretAccessKey,
    sessionToken: c.sessionToken,
    expiration: c.expiration,
  };
}

/** One GetCallerIdentity call, its failure classified and its reply checked. */
async function whoAmI(wire: StsWire, session: SessionCredentials): Promise<CallerIdentity> {
  const who = await wire.getCallerIdentity(session).catch((error: unknown) => {
    throw stsError(error, 'GetCallerIdentity');
  });
  if (!who.account || !who.arn) throw badResponse('an account and ARN');
  return { account: who.account, arn: who.arn };
}

async function fetchToken(settings: AwsSettings, context: ExchangeContext): Promise<Token> {
  const value = await context.identity.getToken(settings.audience);
  const claims = decodeClaims(value);
  context.log.debug(`OIDC token claims: ${JSON.stringify(claims)}`);
  context.log.info(
    `OIDC token from ${context.identity.description}: sub=${JSON.stringify(claims.sub)} ` +
      `aud=${JSON.stringify(settings.audience)} (${fingerprint(value)}).`,
  );
  return { value, claims };
}

function retrying(log: Logger, operation: string) {
  return (attempt: number, delayMs: number, error: KeylessError) =>
    log.info(`${operation}: ${error.message} (attempt ${attempt}); retrying in ${delayMs} ms.`);
}

function explain(error: unknown, token: Token, settings: AwsSettings): unknown {
  if (!(error instanceof KeylessError) || error.code !== 'ERR_TRUST_REJECTED') return error;
  const awsMessage = error.facts['AWS error'] ?? '';
  return error.with('ERR_TRUST_REJECTED', `AWS refused to let this job assume ${settings.roleArn}.`, {
    facts: { role: settings.roleArn, ...claimFacts(token.claims) },
    remedy: trustRemedy(token.claims, settings.roleArn, settings.audience, awsMessage),
  });
}

async function assume(
  settings: AwsSettings,
  context: ExchangeContext,
  loadWire: WireLoader,
): Promise<Assumed> {
  const call = (wire: StsWire, token: Token) =>
    withRetry(
      () => assumeOnce(wire, settings, token.value),
      undefined,
      undefined,
      retrying(context.log, 'AssumeRoleWithWebIdentity'),
    ).catch((error: unknown) => {
      throw explain(error, token, settings);
    });
  // The SDK loads while the token request is in flight: on a runner that round trip is the slowest part.
  const pending = fetchToken(settings, context);
  const wire = await loadWire();
  const token = await pending;
  try {
    return { wire, session: await call(wire, token) };
  } catch (error) {
    if (!(error instanceof KeylessError) || error.code !== 'ERR_TOKEN_EXPIRED') throw error;
    context.log.info('STS found the OIDC token expired; requesting a fresh one and trying once more.');
    return { wire, session: await call(wire, await fetchToken(settings, context)) };
  }
}

async function prove(
  credentials: SessionCredentials,
  context: ExchangeContext,
  wire: StsWire,
): Promise<CallerIdentity> {
  try {
    return await withRetry(
      () => whoAmI(wire, credentials),
      undefined,
      undefined,
      retrying(context.log, 'GetCallerIdentity'),
    );
  } catch (error) {
    const cause = error instanceof KeylessError ? error : undefined;
    throw new KeylessError(
      'ERR_PROOF_FAILED',
      'The new credentials failed GetCallerIdentity, so nothing was exported.',
      {
        facts: cause?.facts ?? {},
        remedy:
          'Check that sts-endpoint (or AWS_ENDPOINT_URL_STS) and aws-region point at the STS that issued the session.',
        cause: error,
      },
    );
  }
}

function checkAccount(identity: CallerIdentity, settings: AwsSettings): void {
  if (settings.allowedAccountIds.length === 0 || settings.allowedAccountIds.includes(identity.account))
    return;
  throw new KeylessError(
    'ERR_ACCOUNT_NOT_ALLOWED',
    'The role belongs to an account outside allowed-account-ids; nothing was exported.',
    {
      facts: {
        'role account': identity.account,
        'allowed-account-ids': settings.allowedAccountIds.join(','),
      },
      remedy:
        'Assume a role in an allowed account, or add this account to allowed-account-ids if it is trusted.',
    },
  );
}

/** Exchanges the job's OIDC token for a verified AWS session, e.g. `await exchangeAws(settings, context, load)`. */
export async function exchangeAws(
  settings: AwsSettings,
  context: ExchangeContext,
  loadWire: WireLoader,
): Promise<Credential> {
  const { wire, session } = await assume(settings, context, loadWire);
  if (session.expiration.getTime() <= Date.now()) {
    throw new KeylessError('ERR_BAD_RESPONSE', 'STS returned credentials that have already expired.', {
      facts: { expiration: session.expiration.toISOString() },
      remedy: "Check the runner's clock, and that sts-endpoint points at AWS STS.",
    });
  }
  const identity = await prove(session, context, wire);
  checkAccount(identity, settings);
  return credentialOf(settings, session, identity);
}
