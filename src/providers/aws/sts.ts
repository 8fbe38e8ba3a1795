/**
 * The wire layer for AWS STS, through the official SDK and nothing else: AssumeRoleWithWebIdentity (unsigned)
 * and GetCallerIdentity (SigV4-signed with the new session). The SDK's own retries are off: the broker
 * classifies and retries every failure itself, so a final error costs exactly one call. This module imports
 * only the SDK, so bundles can carry it as a unit compiled on first use.
 */
import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

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

/** STS's replies as the SDK parsed them; a field may be missing when the reply was not STS's. */
export interface StsWire {
  assumeRoleWithWebIdentity(params: AssumeParams): Promise<Partial<SessionCredentials>>;
  getCallerIdentity(credentials: SessionCredentials): Promise<Partial<CallerIdentity>>;
}

/**
 * STS through @aws-sdk/client-sts, e.g. `sdkSts('us-east-1', undefined)` for the regional endpoint. One
 * client serves both calls: AssumeRoleWithWebIdentity never asks for credentials, and GetCallerIdentity
 * asks the provider below, which answers with the session it is proving. Failures are the SDK's own errors.
 */
export function sdkSts(region: string, endpoint: string | undefined): StsWire {
  let proving: SessionCredentials | undefined;
  const client = new STSClient({
    region,
    maxAttempts: 1,
    ...(endpoint ? { endpoint } : {}),
    credentials: async () => {
      if (!proving) throw new Error('no session to sign GetCallerIdentity with');
      return proving;
    },
  });
  return {
    async assumeRoleWithWebIdentity(params) {
      const reply = await client.send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: params.roleArn,
          RoleSessionName: params.sessionName,
          WebIdentityToken: params.webIdentityToken,
          DurationSeconds: params.durationSeconds,
          ...(params.policy ? { Policy: params.policy } : {}),
          ...(params.policyArns.length ? { PolicyArns: params.policyArns.map((arn) => ({ arn })) } : {}),
        }),
      );
      const c = reply.Credentials;
      return {
        ...(c?.AccessKeyId ? { accessKeyId: c.AccessKeyId } : {}),
        ...(c?.SecretAccessKey ? { secretAccessKey: c.SecretAccessKey } : {}),
        ...(c?.SessionToken ? { sessionToken: c.SessionToken } : {}),
        ...(c?.Expiration instanceof Date ? { expiration: c.Expiration } : {}),
      };
    },
    async getCallerIdentity(credentials) {
      proving = credentials;
      const reply = await client.send(new GetCallerIdentityCommand({}));
      return {
        ...(reply.Account ? { account: reply.Account } : {}),
        ...(reply.Arn ? { arn: reply.Arn } : {}),
      };
    },
  };
}
