/**
 * Secret files: created exclusively, mode 0600, with random names, in a directory outside the workspace that
 * is not a symlink; each path is remembered so the end step deletes exactly what was written.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fchmodSync, lstatSync, openSync, rmSync, writeSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { KeylessError } from './errors.ts';

function inside(path: string, dir: string): boolean {
  const rel = relative(resolve(dir), resolve(path));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Writes secret files into one directory and remembers every path it wrote. */
export class SecretFiles {
  readonly #dir: string;
  readonly #written: string[] = [];

  /** Refuses a directory inside `workspace` or behind a symlink, e.g. `new SecretFiles(RUNNER_TEMP, workspace)`. */
  constructor(dir: string, workspace: string | undefined) {
    if (workspace && inside(dir, workspace)) {
      throw new KeylessError('ERR_INPUT_INVALID', 'The temporary directory lies inside the workspace.', {
        facts: { directory: dir },
        remedy:
          'Point RUNNER_TEMP (or TMPDIR) outside the checked-out sources, so no secret file is committed.',
      });
    }
    this.#dir = dir;
  }

  /** Every file written so far, in order. */
  get written(): readonly string[] {
    return [...this.#written];
  }

  /** Writes `content` to a new 0600 file named `keyless-<label>-<random><ext>` and returns its path. */
  write(label: string, content: string, ext = ''): string {
    const stat = lstatSync(this.#dir);
    if (stat.isSymbolicLink() || !stat.isDirectory()) {
      throw new KeylessError('ERR_INPUT_INVALID', `${this.#dir} is not a plain directory.`, {
        remedy: 'Point RUNNER_TEMP (or TMPDIR) at a real directory, not a symlink.',
      });
    }
    const path = join(this.#dir, `keyless-${label}-${randomBytes(12).toString('hex')}${ext}`);
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
    const fd = openSync(path, flags, 0o600);
    this.#written.push(path);
    try {
      fchmodSync(fd, 0o600);
      writeSync(fd, content);
    } finally {
      closeSync(fd);
    }
    return path;
  }

  /** Deletes every file written so far (used when an exchange fails halfway). */
  removeAll(): void {
    for (const path of this.#written.splice(0)) removeFile(path);
  }
}

/** Deletes a file; a file already gone is not an error. Returns false when it could not be deleted. */
export function removeFile(path: string): boolean {
  try {
    rmSync(path, { force: true });
    return true;
  } catch {
    return false;
  }
}
