/** The sandbox tenant: an app that trusts the sandbox's GitHub job, and one that trusts another repository. */
import { GITHUB_SUB } from '../oidc.ts';
import type { SandboxEntra } from './entra.ts';

export const AZURE_TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
/** An app whose federated credential admits pushes to main of the sandbox's repository. */
export const AZURE_CLIENT = '4f6c1c6e-5b0a-4d55-9a3e-0c2f1f0b7a11';
/** An app whose federated credential admits another repository only. */
export const AZURE_LOCKED_CLIENT = '9a0d5a53-2f7e-4b8c-8c1e-6d3b2a1f0e22';
/** An app with no federated credential at all. */
export const AZURE_BARE_CLIENT = '0b1c2d3e-4f50-4a61-8b72-9c83d94eaf33';
export const AZURE_SUBSCRIPTION = 'c7a3e4f1-2b5d-4e6f-8a9b-0c1d2e3f4a5b';
export const AZURE_AUDIENCE = 'api://AzureADTokenExchange';

export function seedEntra(entra: SandboxEntra, issuer: string): void {
  entra.tenants.add(AZURE_TENANT);
  const federated = [{ issuer, subject: GITHUB_SUB, audiences: [AZURE_AUDIENCE] }];
  entra.apps.set(AZURE_CLIENT, { tenantId: AZURE_TENANT, federated, subscriptions: [AZURE_SUBSCRIPTION] });
  entra.apps.set(AZURE_LOCKED_CLIENT, {
    tenantId: AZURE_TENANT,
    federated: [
      { issuer, subject: 'repo:keyless-dev/infrastructure:ref:refs/heads/main', audiences: [AZURE_AUDIENCE] },
    ],
    subscriptions: [],
  });
  entra.apps.set(AZURE_BARE_CLIENT, { tenantId: AZURE_TENANT, federated: [], subscriptions: [] });
}
