/**
 * The wire layer for AWS STS, through the official SDK: AssumeRoleWithWebIdentity (unsigned) and
 * GetCallerIdentity (SigV4-signed with the new session). The SDK's own retries are off: keyless classifies
 * and retries every failure itself, so a final error costs exactly one call.
 */
import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { KeylessError } from '../../core/errors.ts';
import { stsError } from './errors.ts';

/** Temporary credentials of an assumed-role session. */
export interface SessionCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

/** What AssumeRoleWithWebIdentity is asked. */
export interface AssumeParams {
  readonly roleArn: string;
  readonly sessionName: string;
  readonly webIdentityToken: string;
  readonly durationSeconds: number;
  readonly policy: string | undefined;
  readonly policyArns: readonly string[];
}

/** Who a set of credentials belongs to. */
export interface CallerIdentity {
  readonly account: string;
  readonly arn: string;
}

/** The two STS calls keyless makes; injectable for tests of the layers above. */
export interface StsWire {
  assumeRoleWithWebIdentity(params: AssumeParams): Promise<SessionCredentials>;
  getCallerIdentity(credentials: SessionCredentials): Promise<CallerIdentity>;
}

function badResponse(what: string): KeylessError {
  return new KeylessError('ERR_BAD_RESPONSE', `STS answered without ${what}.`, {
    remedy:
      'Check that sts-endpoint points at AWS STS (or a faithful emulator), not a proxy or another service.',
  });
}

/**
 * STS through @aws-sdk/client-sts, e.g. `sdkSts('us-east-1', undefined)` for the regional endpoint. One
 * client serves both calls: AssumeRoleWithWebIdentity never asks for credentials, and GetCallerIdentity
 * asks the provider below, which answers with the session it is proving.
 */
export function sdkSts(region: string, endpoint: URL | undefined): StsWire {
  let proving: SessionCredentials | undefined;
  const client = new STSClient({
    region,
    maxAttempts: 1,
    ...(endpoint ? { endpoint: endpoint.href } : {}),
    credentials: async () => {
      if (!proving) throw new KeylessError('ERR_RUNNER', 'No session to sign GetCallerIdentity with.');
      return proving;
    },
  });
  return {
    async assumeRoleWithWebIdentity(params) {
      const command = new AssumeRoleWithWebIdentityCommand({
        RoleArn: params.roleArn,
        RoleSessionName: params.sessionName,
        WebIdentityToken: params.webIdentityToken,
        DurationSeconds: params.durationSeconds,
        ...(params.policy ? { Policy: params.policy } : {}),
        ...(params.policyArns.length ? { PolicyArns: params.policyArns.map((arn) => ({ arn })) } : {}),
      });
      const reply = await client.send(command).catch((error: unknown) => {
        throw stsError(error, 'AssumeRoleWithWebIdentity');
      });
      const c = reply.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !(c.Expiration instanceof Date)) {
        throw badResponse('complete credentials');
      }
      return {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        sessionToken: c.SessionToken,
        expiration: c.Expiration,
      };
    },
    async getCallerIdentity(credentials) {
      proving = credentials;
      const reply = await client.send(new GetCallerIdentityCommand({})).catch((error: unknown) => {
        throw stsError(error, 'GetCallerIdentity');
      });
      if (!reply.Account || !reply.Arn) throw badResponse('an account and ARN');
      return { account: reply.Account, arn: reply.Arn };
    },
  };
}
