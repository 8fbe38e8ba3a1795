/** Reads and validates the GCP provider's inputs, all before any token is requested. */
import { secureUrl } from '../../core/urls.ts';
import {
  boolean,
  invalidInput,
  list,
  matching,
  optional,
  optionalMatching,
  required,
} from '../../options/parse.ts';
import type { RawInputs } from '../../options/spec.ts';

/** Validated GCP settings. */
export interface GcpSettings {
  /** `projects/N/locations/global/workloadIdentityPools/P/providers/X`. */
  readonly provider: string;
  readonly serviceAccount: string | undefined;
  readonly audience: string;
  readonly projectId: string | undefined;
  readonly tokenFormat: '' | 'access_token' | 'id_token';
  readonly lifetimeSeconds: number;
  readonly scopes: readonly string[];
  readonly idTokenAudience: string | undefined;
  readonly idTokenIncludeEmail: boolean;
  readonly createCredentialsFile: boolean;
  readonly exportEnvironment: boolean;
  /** STS and IAM Credentials base URLs (`…/v1`). */
  readonly sts: string;
  readonly iamcredentials: string;
}

const PROVIDER =
  /^projects\/\d+\/locations\/global\/workloadIdentityPools\/[a-z0-9-]{4,32}\/providers\/[a-z0-9-]{4,32}$/;
const ACCOUNT =
  /^[a-z0-9][a-z0-9-]{0,62}@([a-z][a-z0-9-]{4,28}[a-z0-9]\.iam|[a-z0-9-]+\.(appspot|developer))\.gserviceaccount\.com$/;
const PROJECT = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

/** The project a service account belongs to, with no network call: `name@PROJECT.iam.gserviceaccount.com`. */
export function projectOf(account: string | undefined): string | undefined {
  return /@([a-z][a-z0-9-]+)\.iam\.gserviceaccount\.com$/.exec(account ?? '')?.[1];
}

function lifetime(raw: RawInputs): number {
  const value = required(raw, 'access-token-lifetime', '3600s');
  const seconds = Number(/^(\d+)s?$/.exec(value)?.[1] ?? Number.NaN);
  if (!(seconds >= 1 && seconds <= 43200)) {
    throw invalidInput(
      'access-token-lifetime',
      `is ${JSON.stringify(value)}`,
      'Give seconds from 1s to 43200s, e.g. 3600s (over 1 hour needs the lifetime-extension org policy).',
    );
  }
  return seconds;
}

function endpoint(env: NodeJS.ProcessEnv, name: 'sts' | 'iamcredentials'): string {
  const override = env[`GHA_ENDPOINT_OVERRIDE_${name}`];
  return override
    ? secureUrl(override, `GHA_ENDPOINT_OVERRIDE_${name}`).href.replace(/\/$/, '')
    : `https://${name}.googleapis.com/v1`;
}

/** Parses the raw inputs, e.g. `parseGcpSettings(raw, process.env)`. */
export function parseGcpSettings(raw: RawInputs, env: NodeJS.ProcessEnv): GcpSettings {
  const name = required(
    raw,
    'workload-identity-provider',
    'projects/123456789/locations/global/workloadIdentityPools/github/providers/my-repo',
  ).replace(/^\/\/iam\.googleapis\.com\//, '');
  const provider = matching(
    'workload-identity-provider',
    name,
    PROVIDER,
    'must be the full provider name, not the pool',
    'projects/123456789/locations/global/workloadIdentityPools/github/providers/my-repo',
  );
  const serviceAccount = optionalMatching(
    raw,
    'service-account',
    ACCOUNT,
    'must be a service account email',
    'deployer@my-project.iam.gserviceaccount.com',
  );
  const format = raw['token-format'] ?? '';
  if (format !== '' && format !== 'access_token' && format !== 'id_token') {
    throw invalidInput(
      'token-format',
      `is ${JSON.stringify(format)}`,
      'Use access_token, id_token, or leave it empty.',
    );
  }
  const idTokenAudience = optional(raw, 'id-token-audience');
  if (format === 'id_token' && (!serviceAccount || !idTokenAudience)) {
    throw invalidInput(
      'token-format',
      'is id_token without service-account and id-token-audience',
      'Set service-account and id-token-audience: ID tokens are minted for a service account.',
    );
  }
  const scopes = list(raw, 'access-token-scopes');
  for (const scope of scopes)
    matching(
      'access-token-scopes',
      scope,
      /^https:\/\/www\.googleapis\.com\/auth\/[\w./-]+$/,
      'must list OAuth scope URLs',
      'https://www.googleapis.com/auth/cloud-platform',
    );
  const project = optional(raw, 'project-id') ?? projectOf(serviceAccount);
  return {
    provider,
    serviceAccount,
    audience: optional(raw, 'audience') ?? `https://iam.googleapis.com/${provider}`,
    projectId:
      project === undefined
        ? undefined
        : matching('project-id', project, PROJECT, 'must be a project ID', 'my-project'),
    tokenFormat: format,
    lifetimeSeconds: lifetime(raw),
    scopes,
    idTokenAudience,
    idTokenIncludeEmail: boolean(raw, 'id-token-include-email'),
    createCredentialsFile: boolean(raw, 'create-credentials-file'),
    exportEnvironment: boolean(raw, 'export-environment-variables'),
    sts: endpoint(env, 'sts'),
    iamcredentials: endpoint(env, 'iamcredentials'),
  };
}
