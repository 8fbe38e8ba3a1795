/**
 * Retries what is transient and never what is final: an operation is retried only when it throws a
 * KeylessError marked `transient`, with full-jitter exponential backoff, under an attempt cap and a deadline.
 */
import { KeylessError } from './errors.ts';

/** How hard to retry one operation. */
export interface RetryPolicy {
  readonly attempts: number;
  readonly baseMs: number;
  readonly capMs: number;
  readonly deadlineMs: number;
}

/** The clock and dice, injectable so tests run without waiting. */
export interface RetryClock {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
}

/** The policy every remote call uses unless it has a reason not to: 5 attempts within 30 s. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseMs: 250, capMs: 4000, deadlineMs: 30_000 };

/** The real clock. */
export const SYSTEM_CLOCK: RetryClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/** Called before each retry with the attempt that failed and the delay chosen. */
export type RetryListener = (failed: number, delayMs: number, error: KeylessError) => void;

/** The delay before retry number `attempt` (1-based): full jitter over an exponential, capped window. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
  const window = Math.min(policy.capMs, policy.baseMs * 2 ** (attempt - 1));
  return Math.floor(random() * window);
}

/**
 * Runs `operation` until it succeeds, throws a final error, or the policy is spent, e.g.
 * `await withRetry((attempt) => call(), DEFAULT_RETRY)`. A spent policy throws ERR_UNAVAILABLE.
 */
export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  policy: RetryPolicy = DEFAULT_RETRY,
  clock: RetryClock = SYSTEM_CLOCK,
  onRetry?: RetryListener,
): Promise<T> {
  const deadline = clock.now() + policy.deadlineMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (!(error instanceof KeylessError) || !error.transient) throw error;
      const delay = Math.max(backoffDelay(attempt, policy, clock.random), error.retryAfterMs ?? 0);
      if (attempt >= policy.attempts || clock.now() + delay > deadline) throw giveUp(error, attempt);
      onRetry?.(attempt, delay, error);
      await clock.sleep(delay);
    }
  }
}

function giveUp(error: KeylessError, attempts: number): KeylessError {
  return error.with('ERR_UNAVAILABLE', `${error.message} Gave up after ${attempts} attempt(s).`, {
    transient: false,
    facts: { attempts: String(attempts) },
    remedy: error.remedy ?? 'The service is throttling or failing; re-run the job, or check its status page.',
  });
}
