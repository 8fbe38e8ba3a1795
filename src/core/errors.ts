/**
 * Typed errors with stable codes. Every error keyless reports says what failed, what the cloud saw (claims,
 * never tokens) and what to change; each code has a section in docs/troubleshooting.md.
 */

/** The closed set of error codes; each is a heading in docs/troubleshooting.md. */
export const ERROR_CODES = [
  'ERR_INPUT_INVALID',
  'ERR_INSECURE_URL',
  'ERR_OIDC_PERMISSION',
  'ERR_OIDC_REQUEST',
  'ERR_OIDC_TOKEN_INVALID',
  'ERR_TRUST_REJECTED',
  'ERR_TOKEN_EXPIRED',
  'ERR_REQUEST_REJECTED',
  'ERR_UNAVAILABLE',
  'ERR_BAD_RESPONSE',
  'ERR_PROOF_FAILED',
  'ERR_ACCOUNT_NOT_ALLOWED',
  'ERR_RUNNER',
] as const;

/** A stable error code, e.g. `ERR_TRUST_REJECTED`. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** What a failed exchange saw and what would fix it; every field is safe to print. */
export interface ErrorDetails {
  /** The remedy: what the user should change. */
  readonly remedy?: string | undefined;
  /** Non-secret facts, printed as `key: value` lines (claims, role, endpoint, attempts). */
  readonly facts?: Readonly<Record<string, string>>;
  /** Whether retrying the same request may succeed (throttling, 5xx, network). */
  readonly transient?: boolean;
  /** How long the server asked us to wait before retrying (`Retry-After`), in milliseconds. */
  readonly retryAfterMs?: number;
  readonly cause?: unknown;
}

/** An error with a stable code, a remedy and printable facts, e.g. `new KeylessError('ERR_INPUT_INVALID', '…')`. */
export class KeylessError extends Error {
  readonly code: ErrorCode;
  readonly remedy: string | undefined;
  readonly facts: Readonly<Record<string, string>>;
  readonly transient: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'KeylessError';
    this.code = code;
    this.remedy = details.remedy;
    this.facts = details.facts ?? {};
    this.transient = details.transient ?? false;
    this.retryAfterMs = details.retryAfterMs;
  }

  /** A copy with another code, message or details, keeping whatever is not overridden. */
  with(code: ErrorCode, message: string, details: ErrorDetails): KeylessError {
    return new KeylessError(code, message, {
      remedy: details.remedy ?? this.remedy,
      facts: { ...this.facts, ...details.facts },
      transient: details.transient ?? this.transient,
      cause: details.cause ?? this,
    });
  }

  /** The report on one line, for a CLI's stderr: message, code, facts, remedy. */
  oneLine(): string {
    const facts = Object.entries(this.facts).map(([key, value]) => `${key}: ${value}`);
    return [
      `${this.message} [${this.code}]`,
      ...(facts.length ? [`(${facts.join('; ')})`] : []),
      ...(this.remedy ? [`Fix: ${this.remedy}`] : []),
    ]
      .join(' ')
      .replace(/[\r\n]+/g, ' ');
  }

  /** The whole report: message, facts, remedy and the troubleshooting link, one item per line. */
  report(): string {
    const lines = [`${this.message} [${this.code}]`];
    for (const [key, value] of Object.entries(this.facts)) lines.push(`  ${key}: ${value}`);
    if (this.remedy) lines.push(`Fix: ${this.remedy}`);
    lines.push(`See docs/troubleshooting.md#${this.code.toLowerCase()} in the keyless repository.`);
    return lines.join('\n');
  }
}

/**
 * Removes anything shaped like a token from text that did not come from keyless (an SDK's or the OS's error
 * message): every run of 24 or more base64/hex characters that mixes letters and digits becomes
 * `[redacted]`. Host names (lower-case letters, digits, dots, hyphens) and plain words survive.
 */
export function scrub(text: string): string {
  return text.replace(/[A-Za-z0-9+/_=.-]{24,}/g, (run) =>
    /^[a-z0-9.-]+$/.test(run) || !/\d/.test(run) || !/[A-Za-z]/.test(run) ? run : '[redacted]',
  );
}

/** Wraps anything thrown into a KeylessError, scrubbing its message, which keyless did not write. */
export function asKeylessError(error: unknown): KeylessError {
  if (error instanceof KeylessError) return error;
  const what = error instanceof Error ? `${error.name}: ${scrub(error.message)}` : typeof error;
  return new KeylessError('ERR_RUNNER', `Unexpected error inside keyless (${what}).`, {
    remedy: 'This is a bug in keyless: please open an issue with the step log (it holds no secret).',
    cause: error,
  });
}
