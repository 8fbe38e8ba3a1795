/**
 * The wire layer for Entra ID, through @azure/identity and nothing else: a Resource Manager access token for
 * a federated client assertion (the CI job's OIDC token). The SDK's retries are off: the broker classifies
 * and retries failures itself. This module imports only the SDK, so bundles can carry it as a unit compiled
 * on first use.
 */
import { ClientAssertionCredential } from '@azure/identity';

/** What the token request needs. */
export interface AssertionParams {
  readonly tenantId: string;
  readonly clientId: string;
  readonly authorityHost: string;
  readonly scope: string;
  readonly assertion: string;
}

/** The calls keyless makes to Entra ID. */
export interface EntraWire {
  accessToken(
    params: AssertionParams,
  ): Promise<{ readonly token: string; readonly expiresOnTimestamp: number }>;
}

/** Entra ID through @azure/identity, e.g. `identityEntra().accessToken({ … })`; failures are the SDK's own errors. */
export function identityEntra(): EntraWire {
  return {
    async accessToken(params) {
      const credential = new ClientAssertionCredential(
        params.tenantId,
        params.clientId,
        async () => params.assertion,
        {
          authorityHost: params.authorityHost,
          // The authority is known (or set on purpose): skip MSAL's instance discovery, a network call to the public cloud.
          disableInstanceDiscovery: true,
          retryOptions: { maxRetries: 0 },
        },
      );
      const token = await credential.getToken(params.scope);
      return { token: token.token, expiresOnTimestamp: token.expiresOnTimestamp };
    },
  };
}
