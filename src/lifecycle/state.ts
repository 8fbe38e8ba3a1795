/**
 * State files for `--state FILE` and `keyless revoke --state FILE`: the Ending (no secret), written 0600,
 * exclusively and never through a symlink; read back and deleted by the end step.
 */
import { closeSync, constants, fchmodSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import type { Ending } from '../core/credential.ts';
import { KeylessError } from '../core/errors.ts';
import { parseEnding } from './end.ts';

/** Creates `path` with mode 0600 and writes `content`; `exclusive` refuses an existing file. */
export function writePrivateFile(path: string, content: string, exclusive: boolean): void {
  const flags =
    constants.O_WRONLY |
    constants.O_CREAT |
    constants.O_NOFOLLOW |
    (exclusive ? constants.O_EXCL : constants.O_TRUNC);
  let fd: number;
  try {
    fd = openSync(path, flags, 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new KeylessError('ERR_INPUT_INVALID', `Cannot create ${path} (${code}).`, {
      remedy:
        code === 'EEXIST'
          ? `End the credential it records first (keyless revoke --state ${path}), or choose another path.`
          : 'Choose a writable path that is not a symlink.',
    });
  }
  try {
    fchmodSync(fd, 0o600);
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
}

/** Records what must be ended, e.g. `writeState('/tmp/job/keyless.state', ending)`. */
export function writeState(path: string, ending: Ending): void {
  writePrivateFile(path, JSON.stringify(ending), true);
}

/** Reads a state file; undefined when it is gone (already ended). */
export function readState(path: string): Ending | undefined {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const ending = parseEnding(raw);
  if (!ending) {
    throw new KeylessError('ERR_INPUT_INVALID', `${path} is not a keyless state file.`, {
      remedy: 'Pass the file written by --state.',
    });
  }
  return ending;
}

/** Deletes a state file once what it records has been ended. */
export function removeState(path: string): void {
  rmSync(path, { force: true });
}
