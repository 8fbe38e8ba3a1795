/** The AWS provider: STS AssumeRoleWithWebIdentity, proved with GetCallerIdentity. */
import { letRequestsOut } from '../../core/http.ts';
import type { Broker } from '../provider.ts';
import { exchangeAws } from './broker.ts';
import { AWS_OPTIONS, AWS_OUTPUTS } from './options.ts';
import { type AwsSettings, parseAwsSettings } from './settings.ts';
import { admittingStatement, providerHost } from './trust.ts';

export const aws: Broker<AwsSettings> = {
  name: 'aws',
  title: 'keyless AWS',
  description:
    "Exchange the job's OIDC token for a short-lived AWS session (STS AssumeRoleWithWebIdentity), proved and masked before export, cleared at job end.",
  options: AWS_OPTIONS,
  outputs: AWS_OUTPUTS,
  parse: parseAwsSettings,
  audience: (settings) => settings.audience,
  // An STS session cannot be revoked: a live check asks for STS's minimum, 15 minutes.
  probe: (settings) => ({ ...settings, durationSeconds: 900 }),
  explain: (settings, claims) => {
    const host = providerHost(claims.iss);
    return [
      `STS matches the role's trust policy against ${host}:aud = ${JSON.stringify(claims.aud.join(','))} and ${host}:sub = ${JSON.stringify(claims.sub)}`,
      `the statement that admits this job: ${admittingStatement(claims, settings.roleArn, settings.audience)}`,
    ];
  },
  exchange: (settings, context) =>
    exchangeAws(settings, context, async () => {
      await letRequestsOut();
      const { sdkSts } = await import('./sts.ts');
      return sdkSts(settings.region, settings.endpoint?.href);
    }),
};
