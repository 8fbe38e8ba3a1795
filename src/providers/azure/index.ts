/** The Azure provider: Entra ID federated credentials through @azure/identity, ready for the SDKs and Terraform. */
import { letRequestsOut } from '../../core/http.ts';
import type { Broker } from '../provider.ts';
import { admittingCredential, exchangeAzure } from './broker.ts';
import { AZURE_OPTIONS, AZURE_OUTPUTS } from './options.ts';
import { type AzureSettings, parseAzureSettings } from './settings.ts';

export const azure: Broker<AzureSettings> = {
  name: 'azure',
  title: 'keyless Azure',
  description:
    "Prove the job's OIDC token against Entra ID with @azure/identity, then export AZURE_* and ARM_* for the Azure SDKs and Terraform (no az CLI, no secret on a command line).",
  options: AZURE_OPTIONS,
  outputs: AZURE_OUTPUTS,
  parse: parseAzureSettings,
  audience: (settings) => settings.audience,
  explain: (settings, claims) => [
    `Entra ID matches the app's federated credentials exactly: issuer ${JSON.stringify(claims.iss)}, subject ${JSON.stringify(claims.sub)}, audience ${JSON.stringify(settings.audience)}`,
    `the federated credential that admits this job: ${admittingCredential(claims, settings)}`,
  ],
  exchange: (settings, context) =>
    exchangeAzure(settings, context, async () => {
      await letRequestsOut();
      const { identityEntra } = await import('./entra.ts');
      return identityEntra();
    }),
};
