/** Reads and validates the Azure provider's inputs, all before any token is requested. */
import { KeylessError } from '../../core/errors.ts';
import { boolean, invalidInput, matching, optionalMatching, required } from '../../options/parse.ts';
import type { RawInputs } from '../../options/spec.ts';

/** Validated Azure settings. */
export interface AzureSettings {
  readonly clientId: string;
  readonly tenantId: string;
  readonly subscriptionId: string | undefined;
  readonly audience: string;
  readonly authorityHost: string;
  /** The Resource Manager scope the proof asks a token for. */
  readonly scope: string;
  readonly outputCredentials: boolean;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Each cloud's login host and Resource Manager scope. */
const CLOUDS: Readonly<Record<string, { readonly authority: string; readonly scope: string }>> = {
  azurecloud: {
    authority: 'https://login.microsoftonline.com',
    scope: 'https://management.azure.com/.default',
  },
  azureusgovernment: {
    authority: 'https://login.microsoftonline.us',
    scope: 'https://management.usgovcloudapi.net/.default',
  },
  azurechinacloud: {
    authority: 'https://login.chinacloudapi.cn',
    scope: 'https://management.chinacloudapi.cn/.default',
  },
};

/** AZURE_AUTHORITY_HOST, which @azure/identity accepts over https only. */
function authorityOverride(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.AZURE_AUTHORITY_HOST;
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new KeylessError('ERR_INPUT_INVALID', 'AZURE_AUTHORITY_HOST is not a valid URL.', {
      remedy: 'Set it to an https:// URL, e.g. https://login.microsoftonline.com.',
    });
  }
  if (url.protocol !== 'https:' || url.username || url.password) {
    throw new KeylessError('ERR_INSECURE_URL', 'AZURE_AUTHORITY_HOST must be a plain https:// URL.', {
      remedy:
        'Entra ID is reached over https only (the Azure SDKs refuse anything else); fix or unset AZURE_AUTHORITY_HOST.',
    });
  }
  return url.href.replace(/\/$/, '');
}

/** Parses the raw inputs, e.g. `parseAzureSettings(raw, process.env)`. */
export function parseAzureSettings(raw: RawInputs, env: NodeJS.ProcessEnv): AzureSettings {
  const clientId = matching(
    'client-id',
    required(raw, 'client-id', '00000000-0000-0000-0000-000000000000'),
    GUID,
    'must be a GUID',
    '4f6c1c6e-5b0a-4d55-9a3e-0c2f1f0b7a11',
  );
  const tenantId = matching(
    'tenant-id',
    required(raw, 'tenant-id', '00000000-0000-0000-0000-000000000000'),
    GUID,
    'must be a GUID',
    '72f988bf-86f1-41af-91ab-2d7cd011db47',
  );
  const subscriptionId = optionalMatching(
    raw,
    'subscription-id',
    GUID,
    'must be a GUID',
    'c7a3e4f1-2b5d-4e6f-8a9b-0c1d2e3f4a5b',
  );
  if (!subscriptionId && !boolean(raw, 'allow-no-subscriptions')) {
    throw invalidInput(
      'subscription-id',
      'is required unless allow-no-subscriptions is true',
      'Set subscription-id, or allow-no-subscriptions: true for tenant-level access.',
    );
  }
  const environment = (raw.environment ?? 'azurecloud').toLowerCase();
  const cloud = CLOUDS[environment];
  if (!cloud)
    throw invalidInput(
      'environment',
      `is ${JSON.stringify(environment)}`,
      `Use one of: ${Object.keys(CLOUDS).join(', ')}.`,
    );
  return {
    clientId: clientId.toLowerCase(),
    tenantId: tenantId.toLowerCase(),
    subscriptionId,
    audience: required(raw, 'audience', 'api://AzureADTokenExchange'),
    authorityHost: authorityOverride(env) ?? cloud.authority,
    scope: cloud.scope,
    outputCredentials: boolean(raw, 'output-credentials'),
  };
}
