/** The AWS credential as keyless hands it over: the SDKs' variables, the outputs, and what to mask. */
import type { Credential } from '../../core/credential.ts';
import type { AwsSettings } from './settings.ts';
import type { CallerIdentity, SessionCredentials } from './sts.ts';

/** The credential for a proved session, e.g. `credentialOf(settings, session, identity)`. */
export function credentialOf(
  settings: AwsSettings,
  session: SessionCredentials,
  identity: CallerIdentity,
): Credential {
  const secrets = [session.accessKeyId, session.secretAccessKey, session.sessionToken];
  const expiration = session.expiration.toISOString();
  return {
    provider: 'aws',
    secrets: settings.maskAccountId ? [...secrets, identity.account] : secrets,
    env: {
      AWS_REGION: settings.region,
      AWS_DEFAULT_REGION: settings.region,
      AWS_ACCESS_KEY_ID: session.accessKeyId,
      AWS_SECRET_ACCESS_KEY: session.secretAccessKey,
      AWS_SESSION_TOKEN: session.sessionToken,
    },
    outputs: {
      'aws-account-id': identity.account,
      'authenticated-arn': identity.arn,
      'aws-expiration': expiration,
      ...(settings.outputCredentials
        ? {
            'aws-access-key-id': session.accessKeyId,
            'aws-secret-access-key': session.secretAccessKey,
            'aws-session-token': session.sessionToken,
          }
        : {}),
    },
    files: [],
    expiresAt: session.expiration,
    summary: [`Assumed ${settings.roleArn} as ${identity.arn}; the session expires at ${expiration}.`],
  };
}
