/**
 * The `secrets` input, in hashicorp/vault-action's syntax: one request per line or `;`, `PATH KEY | NAME`.
 * KEY is a key of the secret's data or `*` for every key; NAME defaults to the key, upper-cased, with `.`
 * as `__` and other characters dropped.
 */
import { KeylessError } from '../../core/errors.ts';
import { invalidInput } from '../../options/parse.ts';

/** One requested secret. */
export interface SecretRequest {
  readonly path: string;
  /** A key of the secret's data, or `*` for every key. */
  readonly key: string;
  /** The variable and output name; with `*`, a prefix for each key's name. */
  readonly name: string | undefined;
}

const PATH = /^[\w.@=-]+(\/[\w.@=-]+)*(\?[\w.=&-]+)?$/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Names a secret may not take: they steer the shell, the loader, Node or the runner. */
const RESERVED =
  /^(PATH|HOME|SHELL|IFS|ENV|BASH_ENV|NODE_OPTIONS|LD_PRELOAD|LD_LIBRARY_PATH|VAULT_ADDR|VAULT_TOKEN|VAULT_NAMESPACE|(GITHUB|RUNNER|ACTIONS)_\w*)$/;

/** The default variable name for a key, vault-action's way: `api.key` → `API__KEY`, `db-pass` → `DBPASS`. */
export function nameForKey(key: string): string {
  return key
    .replace(/\./g, '__')
    .replace(/-/g, '')
    .replace(/[^\p{L}\p{N}_]/gu, '')
    .toUpperCase();
}

function parseOne(line: string): SecretRequest {
  const bar = line.lastIndexOf('|');
  const target = (bar < 0 ? line : line.slice(0, bar)).trim();
  const name = bar < 0 ? undefined : line.slice(bar + 1).trim();
  const parts = target.split(/\s+/);
  if (parts.length !== 2) {
    throw invalidInput(
      'secrets',
      `has ${JSON.stringify(line)}, which is not of the form PATH KEY | NAME`,
      'Write one request per line, e.g. secret/data/ci/app password | DB_PASSWORD.',
    );
  }
  const [path = '', key = ''] = parts;
  if (!PATH.test(path) || path.split('/').includes('..')) {
    throw invalidInput(
      'secrets',
      `has the path ${JSON.stringify(path)}, which is not a Vault API path`,
      'Give the path below /v1/ without a leading slash, e.g. secret/data/ci/app (KV v2 paths include data/).',
    );
  }
  if (name !== undefined && (key === '*' ? !/^[A-Za-z_]\w*$|^$/.test(name) : !NAME.test(name))) {
    throw invalidInput(
      'secrets',
      `names a secret ${JSON.stringify(name)}, which is not a variable name`,
      'Use letters, digits and _, starting with a letter, e.g. | DB_PASSWORD.',
    );
  }
  const finalName = key === '*' ? undefined : name || nameForKey(key);
  if (finalName !== undefined && (!NAME.test(finalName) || RESERVED.test(finalName))) {
    throw invalidInput(
      'secrets',
      `would export ${path} ${key} as ${JSON.stringify(finalName)}, which is not allowed`,
      'Name it with | NAME: a variable name that does not steer the shell, Node or the runner.',
    );
  }
  return { path, key, name: name || undefined };
}

/** Parses the `secrets` input, e.g. `parseSecrets('secret/data/ci/app password | DB_PASSWORD')`. */
export function parseSecrets(raw: string): SecretRequest[] {
  return raw
    .split(/[;\n]/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map(parseOne);
}

/** Renders a secret value as text: strings as they are, anything else as JSON. */
function text(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The data of a read: KV v2 wraps it in `data.data` beside `data.metadata`. */
export function secretData(data: Record<string, unknown>): Record<string, unknown> {
  const inner = data.data;
  const isKv2 =
    inner !== null && typeof inner === 'object' && !Array.isArray(inner) && typeof data.metadata === 'object';
  return isKv2 ? (inner as Record<string, unknown>) : data;
}

/** Picks the requested values out of a secret's data: name → value. */
export function select(request: SecretRequest, data: Record<string, unknown>): Record<string, string> {
  const keys = request.key === '*' ? Object.keys(data) : [request.key];
  const picked: Record<string, string> = {};
  for (const key of keys) {
    if (!(key in data)) {
      throw new KeylessError(
        'ERR_REQUEST_REJECTED',
        `The secret at ${request.path} has no key ${JSON.stringify(key)}.`,
        {
          facts: { 'keys present': Object.keys(data).join(', ') || '(none)' },
          remedy: 'Use one of the keys present, or * for every key.',
        },
      );
    }
    const name =
      request.key === '*' ? `${request.name ?? ''}${nameForKey(key)}` : (request.name ?? nameForKey(key));
    if (!NAME.test(name) || RESERVED.test(name)) {
      throw new KeylessError(
        'ERR_INPUT_INVALID',
        `The secret ${request.path} ${key} would be exported as ${JSON.stringify(name)}, which is not allowed.`,
        {
          remedy:
            'Name it explicitly with | NAME: a variable name that does not steer the shell, Node or the runner.',
        },
      );
    }
    picked[name] = text(data[key]);
  }
  return picked;
}
