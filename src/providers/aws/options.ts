/** The AWS provider's options and outputs, named as aws-actions/configure-aws-credentials names them. */
import type { OptionSpec, OutputSpec } from '../../options/spec.ts';

export const AWS_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'role-to-assume',
    description: 'The ARN of the IAM role to assume, e.g. arn:aws:iam::123456789012:role/deploy.',
    required: true,
    type: 'string',
    pattern: '^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$',
  },
  {
    name: 'aws-region',
    description: 'The AWS region, e.g. us-east-1.',
    required: true,
    type: 'string',
    pattern: '^[a-z]{2,5}(-[a-z]+)+-[0-9]{1,2}$',
  },
  {
    name: 'role-session-name',
    description:
      'The session name (2-64 characters of [\\w+=,.@-]). Defaults to the CI run, e.g. GitHubActions-<run id>-<attempt>.',
    type: 'string',
  },
  {
    name: 'role-duration-seconds',
    description: "The session lifetime in seconds, from 900 to 43200 (and at most the role's maximum).",
    default: '3600',
    type: 'number',
  },
  {
    name: 'audience',
    description: 'The audience of the OIDC token.',
    default: 'sts.amazonaws.com',
    type: 'string',
  },
  {
    name: 'inline-session-policy',
    description: 'A JSON IAM policy (at most 2048 characters) that narrows the session further.',
    type: 'string',
  },
  {
    name: 'managed-session-policies',
    description:
      'Up to 10 managed policy ARNs, one per line or comma-separated, that narrow the session further.',
    type: 'string',
  },
  {
    name: 'mask-aws-account-id',
    description: 'Mask the account ID in the log as a secret.',
    default: 'false',
    type: 'boolean',
  },
  {
    name: 'allowed-account-ids',
    description:
      'Comma-separated account IDs; fail, exporting nothing, unless the role belongs to one of them.',
    type: 'string',
  },
  {
    name: 'output-credentials',
    description: 'Also set the credentials as step outputs (masked).',
    default: 'false',
    type: 'boolean',
  },
  {
    name: 'sts-endpoint',
    description:
      'A custom STS endpoint (https, or http on loopback only). Defaults to AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, then the regional endpoint.',
    type: 'string',
  },
];

export const AWS_OUTPUTS: readonly OutputSpec[] = [
  { name: 'aws-account-id', description: 'The account ID of the assumed role.' },
  { name: 'authenticated-arn', description: 'The ARN of the assumed-role session.' },
  { name: 'aws-expiration', description: 'When the credentials expire (ISO 8601).' },
  { name: 'aws-access-key-id', description: 'The access key ID (only with output-credentials).' },
  { name: 'aws-secret-access-key', description: 'The secret access key (only with output-credentials).' },
  { name: 'aws-session-token', description: 'The session token (only with output-credentials).' },
];
