/**
 * Exec mode: runs a command with the credentials in its environment only, its stdout and stderr streamed
 * through a Redactor, SIGINT/SIGTERM/SIGHUP passed on to it; resolves with its exit status (128 + signal
 * number when a signal ended it).
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { KeylessError } from '../../core/errors.ts';
import { Redactor } from './redact.ts';

const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Where the child's redacted output goes. */
export interface ExecOutput {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

/** Runs `command` with `env`, redacting `secrets`, e.g. `await execWithCredentials(['terraform', 'apply'], env, secrets)`. */
export function execWithCredentials(
  command: readonly string[],
  env: NodeJS.ProcessEnv,
  secrets: readonly string[],
  output: ExecOutput = process,
): Promise<number> {
  const [file = '', ...args] = command;
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, stdio: ['inherit', 'pipe', 'pipe'] });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    for (const signal of FORWARDED) process.on(signal, forward);
    child.stdout.pipe(new Redactor(secrets)).pipe(output.stdout, { end: false });
    child.stderr.pipe(new Redactor(secrets)).pipe(output.stderr, { end: false });
    const stop = () => {
      for (const signal of FORWARDED) process.off(signal, forward);
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      stop();
      reject(
        new KeylessError(
          'ERR_INPUT_INVALID',
          `Cannot run ${JSON.stringify(file)} (${error.code ?? error.message}).`,
          {
            remedy: 'Check the command after -- : it must be an executable on PATH or a path to one.',
          },
        ),
      );
    });
    child.on('close', (code, signal) => {
      stop();
      resolve(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
    });
  });
}
