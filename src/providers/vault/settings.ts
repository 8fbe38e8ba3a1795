/** Reads and validates the Vault provider's inputs, all before any token is requested. */
import { secureUrl } from '../../core/urls.ts';
import {
  boolean,
  invalidInput,
  matching,
  optional,
  optionalMatching,
  required,
} from '../../options/parse.ts';
import type { RawInputs } from '../../options/spec.ts';
import { parseSecrets, type SecretRequest } from './secrets.ts';

/** Validated Vault settings. */
export interface VaultSettings {
  readonly url: URL;
  readonly role: string | undefined;
  readonly mount: string;
  readonly audience: string;
  readonly namespace: string | undefined;
  readonly secrets: readonly SecretRequest[];
  readonly exportEnv: boolean;
  readonly exportToken: boolean;
  readonly outputToken: boolean;
  readonly ca: string | undefined;
}

const MOUNT = /^[\w.-]+(\/[\w.-]+)*$/;
const NAMESPACE = /^[\w.-]+(\/[\w.-]+)*\/?$/;
const ROLE = /^[^\s/]{1,128}$/;

function caCertificate(raw: RawInputs): string | undefined {
  const value = optional(raw, 'ca-certificate');
  if (value === undefined) return undefined;
  const pem = value.includes('-----BEGIN') ? value : Buffer.from(value, 'base64').toString('utf8');
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw invalidInput(
      'ca-certificate',
      'is neither a PEM certificate nor a base64-encoded one',
      'Paste the CA certificate (-----BEGIN CERTIFICATE----- …), or its base64 encoding.',
    );
  }
  return pem;
}

function vaultUrl(raw: RawInputs, env: NodeJS.ProcessEnv): URL {
  const input = optional(raw, 'url');
  if (input) return secureUrl(input, 'url');
  if (env.VAULT_ADDR) return secureUrl(env.VAULT_ADDR, 'VAULT_ADDR');
  throw invalidInput(
    'url',
    'is required (or VAULT_ADDR)',
    'Set url to the Vault address, e.g. https://vault.example.com:8200.',
  );
}

/** Parses the raw inputs, e.g. `parseVaultSettings(raw, process.env)`. */
export function parseVaultSettings(raw: RawInputs, env: NodeJS.ProcessEnv): VaultSettings {
  const method = required(raw, 'method', 'jwt');
  if (method !== 'jwt') {
    throw invalidInput(
      'method',
      `is ${JSON.stringify(method)}, but keyless logs in with the job's OIDC token only`,
      'Set method: jwt (or leave it out), and bind a JWT role to the job.',
    );
  }
  return {
    url: vaultUrl(raw, env),
    role: optionalMatching(raw, 'role', ROLE, 'must be a Vault role name', 'ci-deploy'),
    mount: matching(
      'path',
      required(raw, 'path', 'jwt'),
      MOUNT,
      'must be an auth mount path',
      'jwt or jwt/github',
    ),
    audience: required(raw, 'audience', "one of the role's bound_audiences, e.g. https://vault.example.com"),
    namespace: optionalMatching(raw, 'namespace', NAMESPACE, 'must be a namespace path', 'admin/team-a'),
    secrets: parseSecrets(raw.secrets ?? ''),
    exportEnv: boolean(raw, 'export-env'),
    exportToken: boolean(raw, 'export-token'),
    outputToken: boolean(raw, 'output-token'),
    ca: caCertificate(raw),
  };
}
