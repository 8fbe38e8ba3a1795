/**
 * The GitHub Actions runner protocol, spoken directly: inputs and state from the environment, workflow
 * commands on stdout, and the GITHUB_ENV / GITHUB_OUTPUT / GITHUB_STATE file commands. Written here rather
 * than taken from @actions/core, whose HTTP stack alone costs more start-up time than our whole budget.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { KeylessError } from '../../core/errors.ts';
import type { Logger } from '../../providers/provider.ts';

/** Escapes a command's message the way the runner unescapes it. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

type FileCommand = 'GITHUB_ENV' | 'GITHUB_OUTPUT' | 'GITHUB_STATE';

/** One step's view of the runner: its environment in, commands and file commands out. */
export class Runner {
  readonly #env: NodeJS.ProcessEnv;
  readonly #write: (text: string) => void;

  /** e.g. `new Runner(process.env, (text) => process.stdout.write(text))`. */
  constructor(env: NodeJS.ProcessEnv, write: (text: string) => void) {
    this.#env = env;
    this.#write = write;
  }

  /** An input's raw value (`INPUT_<NAME>`, as the runner sets it), '' when unset. */
  input(name: string): string {
    return this.#env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '';
  }

  /** A value the main step saved for the post step, '' when unset. */
  state(name: string): string {
    return this.#env[`STATE_${name}`] ?? '';
  }

  /** Registers a value with the runner's masker (`::add-mask::`); it is replaced by *** from now on. */
  mask(value: string): void {
    this.#command('add-mask', value);
  }

  exportVariable(name: string, value: string): void {
    this.#fileCommand('GITHUB_ENV', name, value);
  }

  setOutput(name: string, value: string): void {
    this.#fileCommand('GITHUB_OUTPUT', name, value);
  }

  saveState(name: string, value: string): void {
    this.#fileCommand('GITHUB_STATE', name, value);
  }

  /** A logger writing plain lines, `::debug::` (shown in debug mode only) and `::warning::`. */
  readonly log: Logger = {
    info: (message) => this.#write(`${message}\n`),
    debug: (message) => this.#command('debug', message),
    warning: (message) => this.#command('warning', message),
  };

  /** Reports an error as an annotation (`::error::`). */
  error(message: string): void {
    this.#command('error', message);
  }

  #command(name: string, message: string): void {
    this.#write(`::${name}::${escapeData(message)}\n`);
  }

  #fileCommand(file: FileCommand, name: string, value: string): void {
    const path = this.#env[file];
    if (!path) {
      throw new KeylessError('ERR_RUNNER', `${file} is not set, so this step cannot hand anything over.`, {
        remedy: 'Run this action on a GitHub Actions runner (version 2.297 or newer).',
      });
    }
    const delimiter = `ghadelimiter_${randomUUID()}`;
    if (name.includes(delimiter) || value.includes(delimiter)) {
      throw new KeylessError('ERR_RUNNER', `The value of ${name} contains the file-command delimiter.`);
    }
    appendFileSync(path, `${name}<<${delimiter}\n${value}\n${delimiter}\n`, 'utf8');
  }
}
