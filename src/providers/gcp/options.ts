/** The GCP provider's options and outputs, named as google-github-actions/auth names them. */
import type { OptionSpec, OutputSpec } from '../../options/spec.ts';

export const GCP_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'workload-identity-provider',
    description:
      'The full name of the workload identity pool provider: projects/NUMBER/locations/global/workloadIdentityPools/POOL/providers/PROVIDER.',
    required: true,
    type: 'string',
    pattern:
      '^(//iam\\.googleapis\\.com/)?projects/[0-9]+/locations/global/workloadIdentityPools/[a-z0-9-]+/providers/[a-z0-9-]+$',
  },
  {
    name: 'service-account',
    description: 'The service account to impersonate (omit for direct Workload Identity Federation).',
    type: 'string',
  },
  {
    name: 'audience',
    description:
      'The audience of the OIDC token. Defaults to https://iam.googleapis.com/ and the provider name.',
    type: 'string',
  },
  {
    name: 'project-id',
    description: "The project ID to export. Defaults to the service account's project.",
    type: 'string',
  },
  {
    name: 'token-format',
    description:
      'Also generate a token as a step output: access_token or id_token (empty: the credentials file only).',
    default: '',
    type: 'string',
    options: ['', 'access_token', 'id_token'],
  },
  {
    name: 'access-token-lifetime',
    description: 'The lifetime of a service account access token, e.g. 3600s.',
    default: '3600s',
    type: 'string',
  },
  {
    name: 'access-token-scopes',
    description: 'The OAuth scopes of the access token, comma-separated or one per line.',
    default: 'https://www.googleapis.com/auth/cloud-platform',
    type: 'string',
  },
  {
    name: 'id-token-audience',
    description: 'The audience of the ID token (token-format: id_token).',
    type: 'string',
  },
  {
    name: 'id-token-include-email',
    description: 'Include the service account email in the ID token.',
    default: 'false',
    type: 'boolean',
  },
  {
    name: 'create-credentials-file',
    description: 'Write an external_account credentials file for the client libraries and gcloud.',
    default: 'true',
    type: 'boolean',
  },
  {
    name: 'export-environment-variables',
    description: 'Export GOOGLE_APPLICATION_CREDENTIALS, the project variables and their gcloud equivalents.',
    default: 'true',
    type: 'boolean',
  },
];

export const GCP_OUTPUTS: readonly OutputSpec[] = [
  { name: 'project-id', description: 'The project ID, from the input or the service account.' },
  {
    name: 'credentials-file-path',
    description: 'The path of the credentials file (outside the workspace, mode 0600).',
  },
  { name: 'access-token', description: 'The access token (only with token-format: access_token).' },
  { name: 'id-token', description: 'The ID token (only with token-format: id_token).' },
];
