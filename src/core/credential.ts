/**
 * The credential model shared by every provider and front door: what to mask, what to hand to the job,
 * and a serialisable record of how to end it.
 */
import { createHash } from 'node:crypto';

/** What the end step must do; serialisable, recorded before anything is exported, holds no secret. */
export interface Ending {
  readonly provider: string;
  /** Exported variables, each with a fingerprint of the value keyless set (cleared only while it still holds). */
  readonly env: Readonly<Record<string, string>>;
  /** Files to delete. */
  readonly files: readonly string[];
  /** Provider-specific revocation parameters; absent when there is nothing to revoke. */
  readonly revoke?: Readonly<Record<string, string>>;
}

/** A credential ready to hand over. */
export interface Credential {
  readonly provider: string;
  /** Every secret value; masked (with each line of it) before anything else is emitted. */
  readonly secrets: readonly string[];
  /** Variables for the job's later steps or the child command. */
  readonly env: Readonly<Record<string, string>>;
  /** Step outputs (already filtered by the `output-*` options). */
  readonly outputs: Readonly<Record<string, string>>;
  /** Files the exchange wrote (secret files, mode 0600, outside the workspace). */
  readonly files: readonly string[];
  readonly expiresAt: Date | undefined;
  /** Provider-specific revocation parameters, copied into the Ending. */
  readonly revoke?: Readonly<Record<string, string>>;
  /** Non-secret lines for the log, e.g. `Assumed role … until …`. */
  readonly summary: readonly string[];
}

/** A short fingerprint of a value, safe to record: `valueFingerprint('x')` → 16 hex characters. */
export function valueFingerprint(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 16);
}

/** The Ending for a credential, e.g. `endingOf(credential)`. */
export function endingOf(credential: Credential): Ending {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(credential.env)) env[name] = valueFingerprint(value);
  return {
    provider: credential.provider,
    env,
    files: credential.files,
    ...(credential.revoke ? { revoke: credential.revoke } : {}),
  };
}

/** The strings to register as masks for one secret: the value and each line of at least 4 characters. */
export function maskForms(secret: string): string[] {
  const forms = new Set<string>();
  const whole = secret.trim();
  if (whole) forms.add(whole);
  for (const line of whole.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed.length >= 4) forms.add(trimmed);
  }
  return [...forms];
}
