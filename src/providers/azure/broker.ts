/**
 * The Azure exchange: OIDC token → an access token for Resource Manager through @azure/identity (the proof
 * that the federation works) → the token written to a 0600 file outside the workspace for the SDKs and
 * Terraform, all before anything is exported.
 */
import { type Claims, claimFacts, decodeClaims, fingerprint } from '../../core/claims.ts';
import type { Credential } from '../../core/credential.ts';
import { KeylessError } from '../../core/errors.ts';
import { send } from '../../core/http.ts';
import { withRetry } from '../../core/retry.ts';
import type { ExchangeContext } from '../provider.ts';
import type { EntraWire } from './entra.ts';
import { entraError, entraFailure } from './errors.ts';
import type { AzureSettings } from './settings.ts';

/** Loads the Entra wire client; called once the token request is under way. */
export type EntraLoader = () => Promise<EntraWire>;

/** The federated credential that admits exactly this job, as `az ad app federated-credential create` takes it. */
export function admittingCredential(claims: Claims, settings: AzureSettings): string {
  return JSON.stringify({
    name: 'keyless',
    issuer: claims.iss,
    subject: claims.sub,
    audiences: [settings.audience],
  });
}

function explain(error: KeylessError, claims: Claims, settings: AzureSettings): KeylessError {
  if (error.code !== 'ERR_TRUST_REJECTED') return error;
  const caseOnly = /case-insensitive/.test(error.facts['Entra error'] ?? '')
    ? ' Subjects are compared case-sensitively.'
    : '';
  return error.with(
    'ERR_TRUST_REJECTED',
    `Entra ID refused to let this job sign in as app ${settings.clientId}.`,
    {
      facts: { 'client-id': settings.clientId, 'tenant-id': settings.tenantId, ...claimFacts(claims) },
      remedy: `Add a federated credential that matches the token exactly.${caseOnly} az ad app federated-credential create --id ${settings.clientId} --parameters '${admittingCredential(claims, settings)}'`,
    },
  );
}

/** Tells a network failure from an unknown tenant, which @azure/identity reports alike. */
async function diagnoseEndpoints(settings: AzureSettings): Promise<KeylessError> {
  const url = new URL(`${settings.authorityHost}/${settings.tenantId}/v2.0/.well-known/openid-configuration`);
  const response = await send({ url }).catch((error: unknown) => error as KeylessError);
  if (response instanceof KeylessError) return response;
  if (response.status === 400)
    return entraError(
      entraFailure(
        /AADSTS90002/.test(response.body)
          ? 'invalid_request: Error(s): 90002 - Description: AADSTS90002: Tenant not found.'
          : 'invalid_request',
      ),
    );
  return new KeylessError(
    'ERR_UNAVAILABLE',
    `Entra ID's discovery document answered HTTP ${response.status}.`,
    { transient: true },
  );
}

async function accessToken(settings: AzureSettings, wire: EntraWire, token: string) {
  try {
    return await wire.accessToken({
      tenantId: settings.tenantId,
      clientId: settings.clientId,
      authorityHost: settings.authorityHost,
      scope: settings.scope,
      assertion: token,
    });
  } catch (error) {
    const failure = entraFailure(error);
    throw failure.error === 'endpoints_resolution_error'
      ? await diagnoseEndpoints(settings)
      : entraError(failure);
  }
}

async function prove(settings: AzureSettings, context: ExchangeContext, load: EntraLoader) {
  const fetchToken = async () => {
    const value = await context.identity.getToken(settings.audience);
    const claims = decodeClaims(value);
    context.log.debug(`OIDC token claims: ${JSON.stringify(claims)}`);
    context.log.info(
      `OIDC token from ${context.identity.description}: sub=${JSON.stringify(claims.sub)} aud=${JSON.stringify(settings.audience)} (${fingerprint(value)}).`,
    );
    return { value, claims };
  };
  const pending = fetchToken();
  const wire = await load();
  const attempt = async (token: { value: string; claims: Claims }) => {
    const onRetry = (n: number, ms: number, error: KeylessError) =>
      context.log.info(`Entra ID: ${error.message} (attempt ${n}); retrying in ${ms} ms.`);
    const access = await withRetry(
      () => accessToken(settings, wire, token.value),
      undefined,
      undefined,
      onRetry,
    ).catch((error: unknown) => {
      throw error instanceof KeylessError ? explain(error, token.claims, settings) : error;
    });
    return { token, access };
  };
  const first = await pending;
  try {
    return await attempt(first);
  } catch (error) {
    if (!(error instanceof KeylessError) || error.code !== 'ERR_TOKEN_EXPIRED') throw error;
    context.log.info('Entra ID found the OIDC token expired; requesting a fresh one and trying once more.');
    return attempt(await fetchToken());
  }
}

/** Proves the federation and prepares the SDK and Terraform variables, e.g. `await exchangeAzure(s, ctx, load)`. */
export async function exchangeAzure(
  settings: AzureSettings,
  context: ExchangeContext,
  load: EntraLoader,
): Promise<Credential> {
  const { token, access } = await prove(settings, context, load);
  const file = context.files.write('azure-federated-token', token.value);
  const expiresOn = new Date(access.expiresOnTimestamp).toISOString();
  const subscription = settings.subscriptionId
    ? { AZURE_SUBSCRIPTION_ID: settings.subscriptionId, ARM_SUBSCRIPTION_ID: settings.subscriptionId }
    : {};
  return {
    provider: 'azure',
    secrets: [settings.clientId, access.token, token.value],
    env: {
      AZURE_CLIENT_ID: settings.clientId,
      AZURE_TENANT_ID: settings.tenantId,
      AZURE_FEDERATED_TOKEN_FILE: file,
      ARM_CLIENT_ID: settings.clientId,
      ARM_TENANT_ID: settings.tenantId,
      ARM_USE_OIDC: 'true',
      ARM_OIDC_TOKEN_FILE_PATH: file,
      ...subscription,
    },
    outputs: settings.outputCredentials ? { 'access-token': access.token, 'expires-on': expiresOn } : {},
    files: [file],
    expiresAt: new Date(access.expiresOnTimestamp),
    summary: [
      `Entra ID accepted the federated token for app ${settings.clientId} in tenant ${settings.tenantId}: a Resource Manager token until ${expiresOn}.`,
    ],
  };
}
