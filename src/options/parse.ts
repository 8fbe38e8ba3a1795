/**
 * Pure validators for raw input strings. Each error names the input, says what was wrong and gives an
 * example of what is right; none echoes a value that might be a secret.
 */
import { KeylessError } from '../core/errors.ts';
import type { RawInputs } from './spec.ts';

/** An ERR_INPUT_INVALID naming the input, e.g. `invalidInput('aws-region', 'must be …', 'Set it to …')`. */
export function invalidInput(name: string, problem: string, remedy: string): KeylessError {
  return new KeylessError('ERR_INPUT_INVALID', `Input ${name} ${problem}.`, { remedy });
}

/** The input's value, which must not be empty. */
export function required(raw: RawInputs, name: string, example: string): string {
  const value = raw[name] ?? '';
  if (!value) throw invalidInput(name, 'is required', `Set ${name}, e.g. ${example}.`);
  return value;
}

/** The input's value or undefined when empty. */
export function optional(raw: RawInputs, name: string): string | undefined {
  const value = raw[name] ?? '';
  return value === '' ? undefined : value;
}

const TRUE = new Set(['true', 'True', 'TRUE']);
const FALSE = new Set(['false', 'False', 'FALSE', '']);

/** A YAML 1.2 boolean (`true`/`false` in any of its three spellings); empty is false. */
export function boolean(raw: RawInputs, name: string): boolean {
  const value = raw[name] ?? '';
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  throw invalidInput(name, 'must be true or false', `Set ${name}: true or ${name}: false.`);
}

/** A whole number within [min, max]. */
export function integer(raw: RawInputs, name: string, min: number, max: number): number {
  const value = raw[name] ?? '';
  const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < min || number > max) {
    throw invalidInput(name, `must be a whole number from ${min} to ${max}`, `Set ${name} to, e.g., ${min}.`);
  }
  return number;
}

/** A list, one item per line or separated by commas, blanks dropped. */
export function list(raw: RawInputs, name: string): string[] {
  return (raw[name] ?? '')
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter(Boolean);
}

/** Checks a value against a pattern, quoting it back (JSON-escaped, 80 characters at most); never use on secrets. */
export function matching(
  name: string,
  value: string,
  pattern: RegExp,
  rule: string,
  example: string,
): string {
  if (!pattern.test(value)) {
    throw invalidInput(
      name,
      `${rule} (got ${JSON.stringify(value.slice(0, 80))})`,
      `Set ${name} to, e.g., ${example}.`,
    );
  }
  return value;
}

/** An optional input that, when given, must match `pattern`: undefined when empty. */
export function optionalMatching(
  raw: RawInputs,
  name: string,
  pattern: RegExp,
  rule: string,
  example: string,
): string | undefined {
  const value = optional(raw, name);
  return value === undefined ? undefined : matching(name, value, pattern, rule, example);
}
