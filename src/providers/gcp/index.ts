/** The GCP provider: Workload Identity Federation, optionally impersonating a service account. */
import type { Broker } from '../provider.ts';
import { exchangeGcp, principalOf } from './broker.ts';
import { gcpClient } from './client.ts';
import { GCP_OPTIONS, GCP_OUTPUTS } from './options.ts';
import { type GcpSettings, parseGcpSettings } from './settings.ts';

export const gcp: Broker<GcpSettings> = {
  name: 'gcp',
  title: 'keyless GCP',
  description:
    "Exchange the job's OIDC token through Workload Identity Federation (optionally impersonating a service account); the credentials file lives outside the workspace, mode 0600, and is deleted at job end.",
  options: GCP_OPTIONS,
  outputs: GCP_OUTPUTS,
  parse: parseGcpSettings,
  audience: (settings) => settings.audience,
  // Service account tokens cannot be revoked: a live check asks for one minute.
  probe: (settings) => ({ ...settings, lifetimeSeconds: 60 }),
  explain: (settings, claims) => [
    `STS checks the token's aud against the provider's allowed audiences (default https://iam.googleapis.com/${settings.provider}), then its attribute condition against the claims`,
    ...(settings.serviceAccount
      ? [
          `impersonating ${settings.serviceAccount} needs roles/iam.workloadIdentityUser for ${principalOf(claims, settings)}`,
        ]
      : []),
  ],
  exchange: (settings, context) =>
    exchangeGcp(settings, context, gcpClient(settings.sts, settings.iamcredentials)),
};
