/**
 * The CLI's arguments: `keyless <provider> [--<input> VALUE]… [mode]`, `keyless revoke --state FILE`,
 * `keyless doctor [<provider> …]`. Provider flags are the provider's input names, from its declaration.
 */
import { KeylessError } from '../core/errors.ts';
import type { ProviderSpec } from '../providers/provider.ts';

/** The output formats of `--format`. */
export const FORMATS = ['shell', 'dotenv', 'json', 'credential-process'] as const;
export type Format = (typeof FORMATS)[number];

/** What the command line asks for. */
export interface CliArgs {
  readonly command: 'exchange' | 'revoke' | 'doctor' | 'version' | 'help';
  readonly provider: string | undefined;
  /** Provider inputs given as flags. */
  readonly inputs: Readonly<Record<string, string>>;
  readonly idTokenEnv: string | undefined;
  readonly idTokenFile: string | undefined;
  readonly format: Format | undefined;
  readonly output: string | undefined;
  readonly state: string | undefined;
  readonly debug: boolean;
  /** The command to run after `--`, empty when none. */
  readonly exec: readonly string[];
}

const CLI_FLAGS = ['id-token-env', 'id-token-file', 'format', 'output', 'state'] as const;

function usage(message: string, remedy: string): KeylessError {
  return new KeylessError('ERR_INPUT_INVALID', message, { remedy });
}

/** Levenshtein distance, for suggesting the flag that was meant. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next.push(
        Math.min(
          (row[j] ?? 0) + 1,
          (next[j - 1] ?? 0) + 1,
          (row[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
        ),
      );
    }
    row = next;
  }
  return row[b.length] ?? 0;
}

/** The known flag closest to `name`: one it begins, else the fewest edits away. */
function closest(name: string, known: readonly string[]): string {
  const prefixed = known.find((flag) => flag.startsWith(name));
  if (prefixed) return prefixed;
  // Compare with the whole flag and with its trailing words: `regoin` is close to aws-`region`.
  const score = (flag: string) =>
    Math.min(...flag.split('-').map((_, i, words) => distance(name, words.slice(i).join('-'))));
  return [...known].sort((a, b) => score(a) - score(b))[0] ?? '';
}

/** Splits `--name value` and `--name=value` pairs; booleans may stand alone. */
function flags(tokens: readonly string[], booleans: ReadonlySet<string>): Map<string, string> {
  const found = new Map<string, string>();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? '';
    const match = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/s.exec(token);
    if (!match)
      throw usage(
        `Unexpected argument ${JSON.stringify(token)}.`,
        'Pass inputs as --name VALUE; put the command to run after --.',
      );
    const [, name = '', inline] = match;
    let value = inline;
    if (value === undefined) {
      const next = tokens[i + 1];
      if (next === undefined || (next.startsWith('--') && booleans.has(name)))
        value = booleans.has(name) ? 'true' : undefined;
      else value = tokens[++i];
    }
    if (value === undefined) throw usage(`Flag --${name} needs a value.`, `Pass it as --${name} VALUE.`);
    if (found.has(name)) throw usage(`Flag --${name} is given twice.`, 'Give each flag once.');
    found.set(name, value);
  }
  return found;
}

interface Command {
  readonly command: CliArgs['command'];
  readonly providerName: string | undefined;
  readonly tokens: readonly string[];
}

/** The command word, the provider, and the flag tokens that follow. */
function splitCommand(words: readonly string[]): Command {
  const [first = 'help', ...rest] = words;
  if (first === '--version' || first === 'version')
    return { command: 'version', providerName: undefined, tokens: [] };
  if (first === '--help' || first === 'help' || first === '-h')
    return { command: 'help', providerName: undefined, tokens: [] };
  if (first === 'revoke') return { command: 'revoke', providerName: undefined, tokens: rest };
  if (first !== 'doctor') return { command: 'exchange', providerName: first, tokens: rest };
  const [maybe, ...after] = rest;
  return maybe && !maybe.startsWith('--')
    ? { command: 'doctor', providerName: maybe, tokens: after }
    : { command: 'doctor', providerName: undefined, tokens: rest };
}

/** Separates the provider's inputs from keyless's own flags, refusing unknown ones. */
function inputsOf(
  parsed: ReadonlyMap<string, string>,
  known: readonly string[],
  where: string,
): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (const [name, value] of parsed) {
    if (!known.includes(name))
      throw usage(
        `Unknown flag --${name}${where}.`,
        `Did you mean --${closest(name, known)}? See keyless --help.`,
      );
    if (!(CLI_FLAGS as readonly string[]).includes(name)) inputs[name] = value;
  }
  return inputs;
}

function formatOf(value: string | undefined): Format | undefined {
  if (value === undefined || (FORMATS as readonly string[]).includes(value))
    return value as Format | undefined;
  throw usage(`Flag --format is ${JSON.stringify(value)}.`, `Use one of: ${FORMATS.join(', ')}.`);
}

/** Parses argv (without `node` and the script), e.g. `parseArgs(['aws', '--aws-region', 'eu-west-1'], PROVIDERS)`. */
export function parseArgs(
  argv: readonly string[],
  providers: Readonly<Record<string, ProviderSpec<unknown>>>,
): CliArgs {
  const dash = argv.indexOf('--');
  const exec = dash < 0 ? [] : argv.slice(dash + 1);
  const { command, providerName, tokens } = splitCommand(dash < 0 ? argv : argv.slice(0, dash));
  const provider = providerName === undefined ? undefined : providers[providerName];
  if (providerName !== undefined && !provider) {
    throw usage(
      `Unknown provider or command ${JSON.stringify(providerName)}.`,
      `Use one of: ${Object.keys(providers).join(', ')}, revoke, doctor.`,
    );
  }
  const wantsHelp = command === 'help' || tokens.includes('--help');
  const options = provider?.options ?? [];
  const booleans = new Set(options.filter((o) => o.type === 'boolean').map((o) => o.name));
  const parsed = wantsHelp
    ? new Map<string, string>()
    : flags(
        tokens.filter((t) => t !== '--debug'),
        booleans,
      );
  return {
    command: wantsHelp ? 'help' : command,
    provider: providerName,
    inputs: inputsOf(
      parsed,
      [...CLI_FLAGS, ...options.map((o) => o.name)],
      providerName ? ` for keyless ${providerName}` : '',
    ),
    idTokenEnv: parsed.get('id-token-env'),
    idTokenFile: parsed.get('id-token-file'),
    format: formatOf(parsed.get('format')),
    output: parsed.get('output'),
    state: parsed.get('state'),
    debug: tokens.includes('--debug'),
    exec,
  };
}
