/** The Vault provider's options and outputs, named as hashicorp/vault-action names them (in kebab-case). */
import type { OptionSpec, OutputSpec } from '../../options/spec.ts';

export const VAULT_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'url',
    description: 'The Vault address, e.g. https://vault.example.com:8200. Defaults to VAULT_ADDR.',
    type: 'string',
  },
  {
    name: 'role',
    description: "The JWT auth role to log in with (Vault uses the mount's default_role when empty).",
    type: 'string',
  },
  {
    name: 'method',
    description: "The auth method: jwt, the job's OIDC token.",
    default: 'jwt',
    type: 'string',
    options: ['jwt'],
  },
  { name: 'path', description: 'The mount path of the JWT auth method.', default: 'jwt', type: 'string' },
  {
    name: 'audience',
    description: "The audience of the OIDC token: one of the role's bound_audiences.",
    required: true,
    type: 'string',
  },
  {
    name: 'namespace',
    description: 'The Vault Enterprise namespace (sent as X-Vault-Namespace).',
    type: 'string',
  },
  {
    name: 'secrets',
    description:
      'Secrets to read, one per line or separated by ";": PATH KEY | NAME. KEY may be * for every key; KV v1, KV v2 and any GET-able dynamic-secret path.',
    type: 'string',
  },
  {
    name: 'export-env',
    description: 'Export each secret as an environment variable.',
    default: 'true',
    type: 'boolean',
  },
  {
    name: 'export-token',
    description: 'Export the Vault token as VAULT_TOKEN.',
    default: 'false',
    type: 'boolean',
  },
  {
    name: 'output-token',
    description: 'Set the Vault token as the step output vault-token.',
    default: 'false',
    type: 'boolean',
  },
  {
    name: 'ca-certificate',
    description: 'A PEM (or base64-encoded PEM) CA certificate to trust for Vault.',
    type: 'string',
  },
];

export const VAULT_OUTPUTS: readonly OutputSpec[] = [
  { name: 'vault-token', description: 'The Vault token (only with output-token); revoked at job end.' },
];
