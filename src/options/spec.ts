/**
 * One declaration of each provider's options and outputs. It drives action.yml, the CLI flags, the GitLab
 * `spec: inputs` and the README tables, so a name never drifts between front doors.
 */

/** One input, named in kebab-case exactly as the well-known action for that cloud names it. */
export interface OptionSpec {
  readonly name: string;
  readonly description: string;
  readonly required?: boolean;
  /** The default as the user would type it; absent means empty. */
  readonly default?: string;
  /** How GitLab's `spec: inputs` types it; lists are strings, one item per line or comma. */
  readonly type: 'string' | 'boolean' | 'number';
  /** The only values allowed, when the set is closed. */
  readonly options?: readonly string[];
  /** A regular expression (RE2 syntax, no delimiters) the value must match, for GitLab's `spec: inputs`. */
  readonly pattern?: string;
}

/** One step output. */
export interface OutputSpec {
  readonly name: string;
  readonly description: string;
}

/** Reads one input's raw value; '' when unset. */
export type InputReader = (name: string) => string;

/** Raw input values with the declared defaults applied, keyed by input name. */
export type RawInputs = Readonly<Record<string, string>>;

/** Reads every declared input through `read`, applying declared defaults to empty values. */
export function readInputs(options: readonly OptionSpec[], read: InputReader): RawInputs {
  const raw: Record<string, string> = {};
  for (const option of options) raw[option.name] = read(option.name).trim() || option.default || '';
  return raw;
}
