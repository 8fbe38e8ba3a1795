/**
 * The end step, shared by every front door: revoke what the provider can revoke, clear exactly the variables
 * keyless set (only while they still hold keyless's value), and delete exactly the recorded files.
 * It is idempotent and never throws: a failure to end something is a warning.
 */
import { type Ending, valueFingerprint } from '../core/credential.ts';
import { scrub } from '../core/errors.ts';
import { removeFile } from '../core/files.ts';
import type { Logger, Revoker } from '../providers/provider.ts';

/** What the end step may touch. */
export interface EndTarget {
  /** The variables as the job sees them now. */
  readonly env: NodeJS.ProcessEnv;
  /** Clears one variable for the rest of the job. */
  readonly clear: (name: string) => void;
  readonly log: Logger;
  readonly revoker?: Revoker;
}

/** What the end step did. */
export interface EndReport {
  readonly cleared: readonly string[];
  readonly deleted: readonly string[];
  readonly failed: readonly string[];
}

/** Parses a recorded Ending; undefined when the record is absent or damaged. */
export function parseEnding(raw: string): Ending | undefined {
  try {
    const value = JSON.parse(raw) as Ending;
    const valid =
      typeof value.provider === 'string' && Array.isArray(value.files) && typeof value.env === 'object';
    return valid ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Ends what `ending` records, e.g. `await end(ending, { env, clear, log })`. */
export async function end(ending: Ending, target: EndTarget): Promise<EndReport> {
  const cleared: string[] = [];
  const deleted: string[] = [];
  const failed: string[] = [];
  // Revoke first: the revoker may need a file (the Vault token) that is deleted below.
  if (ending.revoke && target.revoker) {
    try {
      await target.revoker.revoke(ending, target.log);
    } catch (error) {
      const why = error instanceof Error ? scrub(error.message) : 'unknown error';
      target.log.warning(`Could not revoke the ${ending.provider} credential: ${why}`);
      failed.push('revocation');
    }
  }
  for (const [name, fingerprint] of Object.entries(ending.env)) {
    const current = target.env[name];
    if (current === undefined || current === '' || valueFingerprint(current) !== fingerprint) continue;
    target.clear(name);
    cleared.push(name);
  }
  for (const path of ending.files) {
    if (removeFile(path)) deleted.push(path);
    else failed.push(path);
  }
  for (const path of failed.filter((item) => item !== 'revocation'))
    target.log.warning(`Could not delete ${path}; delete it by hand.`);
  return { cleared, deleted, failed };
}
