/**
 * The GCP exchange: OIDC token → STS federated token → (with a service account) generateAccessToken, which
 * proves the impersonation binding → the requested token and an external_account credentials file that lets
 * the client libraries fetch fresh tokens themselves; all before anything is exported.
 */
import { type Claims, claimFacts, decodeClaims, fingerprint } from '../../core/claims.ts';
import type { Credential } from '../../core/credential.ts';
import { KeylessError } from '../../core/errors.ts';
import { withRetry } from '../../core/retry.ts';
import type { ExternalSource } from '../../identity/source.ts';
import type { ExchangeContext } from '../provider.ts';
import type { GcpWire } from './client.ts';
import type { GcpSettings } from './settings.ts';

/** The principal a token's subject maps to, for an IAM binding. */
export function principalOf(claims: Claims, settings: GcpSettings): string {
  return `principal://iam.googleapis.com/${settings.provider.replace(/\/providers\/.*$/, '')}/subject/${claims.sub}`;
}

function remedy(googleMessage: string, claims: Claims, settings: GcpSettings): string {
  if (/attribute condition/.test(googleMessage)) {
    return `Make the provider's attribute condition admit this job, e.g. assertion.repository_id == ${JSON.stringify(String(claims.repository_id ?? ''))} && assertion.ref == ${JSON.stringify(String(claims.ref ?? ''))} (never a condition on names alone).`;
  }
  if (/audience/i.test(googleMessage)) {
    return `Add ${JSON.stringify(settings.audience)} to the provider's allowed audiences, or set audience to one it allows (the default is https://iam.googleapis.com/${settings.provider}).`;
  }
  if (/issuer/.test(googleMessage)) return `Set the provider's issuer URI to ${JSON.stringify(claims.iss)}.`;
  if (/PERMISSION_DENIED/.test(googleMessage)) {
    return `Let this job impersonate the service account: gcloud iam service-accounts add-iam-policy-binding ${settings.serviceAccount} --role=roles/iam.workloadIdentityUser --member=${JSON.stringify(principalOf(claims, settings))}`;
  }
  return 'Check the provider, its attribute mapping and condition against the claims above.';
}

function explain(error: unknown, claims: Claims, settings: GcpSettings): unknown {
  if (!(error instanceof KeylessError) || error.code !== 'ERR_TRUST_REJECTED') return error;
  const message = error.facts['Google error'] ?? '';
  return error.with('ERR_TRUST_REJECTED', 'Google Cloud refused to federate this job.', {
    facts: {
      provider: settings.provider,
      ...(settings.serviceAccount ? { 'service account': settings.serviceAccount } : {}),
      ...claimFacts(claims),
    },
    remedy: remedy(message, claims, settings),
  });
}

/** The external_account credentials file, whose credential_source lets the libraries fetch fresh tokens. */
function credentialsFile(settings: GcpSettings, source: ExternalSource): string {
  const credentialSource =
    'file' in source
      ? { file: source.file }
      : {
          url: source.url,
          headers: source.headers,
          format: { type: 'json', subject_token_field_name: source.field },
        };
  return JSON.stringify({
    type: 'external_account',
    audience: `//iam.googleapis.com/${settings.provider}`,
    subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
    token_url: `${settings.sts}/token`,
    credential_source: credentialSource,
    ...(settings.serviceAccount
      ? {
          service_account_impersonation_url: `${settings.iamcredentials}/projects/-/serviceAccounts/${settings.serviceAccount}:generateAccessToken`,
          service_account_impersonation: { token_lifetime_seconds: Math.min(settings.lifetimeSeconds, 3600) },
        }
      : {}),
  });
}

interface Tokens {
  readonly access: string;
  readonly expiresAt: Date;
  readonly id: string | undefined;
}

async function tokens(
  settings: GcpSettings,
  context: ExchangeContext,
  wire: GcpWire,
  jwt: string,
  claims: Claims,
): Promise<Tokens> {
  const onRetry = (what: string) => (n: number, ms: number, error: KeylessError) =>
    context.log.info(`${what}: ${error.message} (attempt ${n}); retrying in ${ms} ms.`);
  const run = <T>(what: string, call: () => Promise<T>) =>
    withRetry(call, undefined, undefined, onRetry(what)).catch((error: unknown) => {
      throw explain(error, claims, settings);
    });
  const federated = await run('STS', () => wire.exchange(settings.provider, jwt, settings.scopes));
  const account = settings.serviceAccount;
  if (!account)
    return {
      access: federated.token,
      expiresAt: new Date(Date.now() + federated.expiresIn * 1000),
      id: undefined,
    };
  const access = await run('IAM Credentials', () =>
    wire.generateAccessToken(federated.token, account, settings.scopes, settings.lifetimeSeconds),
  );
  const id =
    settings.tokenFormat === 'id_token'
      ? await run('IAM Credentials', () =>
          wire.generateIdToken(
            federated.token,
            account,
            settings.idTokenAudience ?? '',
            settings.idTokenIncludeEmail,
          ),
        )
      : undefined;
  return { access: access.token, expiresAt: new Date(access.expireTime), id };
}

/** Exchanges the job's OIDC token and prepares the credentials file, e.g. `await exchangeGcp(s, ctx, wire)`. */
export async function exchangeGcp(
  settings: GcpSettings,
  context: ExchangeContext,
  wire: GcpWire,
): Promise<Credential> {
  const jwt = await context.identity.getToken(settings.audience);
  const claims = decodeClaims(jwt);
  context.log.debug(`OIDC token claims: ${JSON.stringify(claims)}`);
  context.log.info(
    `OIDC token from ${context.identity.description}: sub=${JSON.stringify(claims.sub)} aud=${JSON.stringify(settings.audience)} (${fingerprint(jwt)}).`,
  );
  const issued = await tokens(settings, context, wire, jwt, claims);
  const source = context.identity.externalSource?.(settings.audience) ?? {
    file: context.files.write('gcp-oidc-token', jwt),
  };
  const file = settings.createCredentialsFile
    ? context.files.write('gcp-credentials', credentialsFile(settings, source), '.json')
    : undefined;
  const project = settings.projectId;
  const projectEnv = project
    ? {
        GOOGLE_CLOUD_PROJECT: project,
        CLOUDSDK_CORE_PROJECT: project,
        CLOUDSDK_PROJECT: project,
        GCLOUD_PROJECT: project,
        GCP_PROJECT: project,
      }
    : {};
  const fileEnv = file
    ? {
        GOOGLE_APPLICATION_CREDENTIALS: file,
        CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE: file,
        GOOGLE_GHA_CREDS_PATH: file,
      }
    : {};
  const headers =
    'headers' in source ? Object.values(source.headers).map((value) => value.replace(/^Bearer /, '')) : [];
  return {
    provider: 'gcp',
    secrets: [issued.access, ...(issued.id ? [issued.id] : []), ...headers],
    env: settings.exportEnvironment ? { ...fileEnv, ...projectEnv } : {},
    outputs: {
      ...(project ? { 'project-id': project } : {}),
      ...(file ? { 'credentials-file-path': file } : {}),
      ...(settings.tokenFormat === 'access_token' ? { 'access-token': issued.access } : {}),
      ...(issued.id ? { 'id-token': issued.id } : {}),
    },
    files: context.files.written,
    expiresAt: issued.expiresAt,
    summary: [
      `Google Cloud federated this job${settings.serviceAccount ? ` as ${settings.serviceAccount}` : ''}; the access token expires at ${issued.expiresAt.toISOString()}.`,
    ],
  };
}
