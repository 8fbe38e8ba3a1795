import { describe, expect, it } from 'vitest';
import { KeylessError } from '../../src/core/errors.ts';
import { backoffDelay, type RetryClock, type RetryPolicy, withRetry } from '../../src/core/retry.ts';

const POLICY: RetryPolicy = { attempts: 5, baseMs: 100, capMs: 1000, deadlineMs: 10_000 };

/** A clock whose sleep advances time instantly and records each delay. */
function fakeClock(random = 1): RetryClock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    random: () => random,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

const transient = () => new KeylessError('ERR_UNAVAILABLE', 'Throttled.', { transient: true });
const final = () => new KeylessError('ERR_TRUST_REJECTED', 'Denied.');

/** An operation that throws the given errors in turn, then returns 'ok'. */
function script(...failures: KeylessError[]) {
  const calls: number[] = [];
  return {
    calls,
    run: async (attempt: number) => {
      calls.push(attempt);
      const failure = failures.shift();
      if (failure) throw failure;
      return 'ok';
    },
  };
}

describe('withRetry', () => {
  it('retries transient failures: two failures then success is three calls', async () => {
    const op = script(transient(), transient());
    const clock = fakeClock();
    await expect(withRetry(op.run, POLICY, clock)).resolves.toBe('ok');
    expect(op.calls).toEqual([1, 2, 3]);
    expect(clock.slept).toEqual([100, 200]);
  });

  it('never retries a final error', async () => {
    const op = script(final());
    await expect(withRetry(op.run, POLICY, fakeClock())).rejects.toMatchObject({
      code: 'ERR_TRUST_REJECTED',
    });
    expect(op.calls).toEqual([1]);
  });

  it('never retries an error keyless did not classify', async () => {
    let calls = 0;
    const op = async () => {
      calls++;
      throw new TypeError('bug');
    };
    await expect(withRetry(op, POLICY, fakeClock())).rejects.toBeInstanceOf(TypeError);
    expect(calls).toBe(1);
  });

  it('gives up after the last attempt with ERR_UNAVAILABLE and the attempt count', async () => {
    const op = script(...Array.from({ length: 9 }, transient));
    const error = (await withRetry(op.run, POLICY, fakeClock()).catch((e: unknown) => e)) as KeylessError;
    expect(op.calls).toHaveLength(5);
    expect(error.code).toBe('ERR_UNAVAILABLE');
    expect(error.facts.attempts).toBe('5');
    expect(error.transient).toBe(false);
  });

  it('gives up rather than sleep past the deadline', async () => {
    const op = script(...Array.from({ length: 9 }, transient));
    await expect(withRetry(op.run, { ...POLICY, deadlineMs: 250 }, fakeClock())).rejects.toMatchObject({
      code: 'ERR_UNAVAILABLE',
    });
    expect(op.calls).toEqual([1, 2]);
  });

  it('waits at least what Retry-After asked', async () => {
    const op = script(new KeylessError('ERR_UNAVAILABLE', '429', { transient: true, retryAfterMs: 700 }));
    const clock = fakeClock(0);
    await withRetry(op.run, POLICY, clock);
    expect(clock.slept).toEqual([700]);
  });
});

describe('backoffDelay', () => {
  it.each([
    [1, 1, 100],
    [2, 1, 200],
    [4, 1, 800],
    [5, 1, 1000],
    [9, 1, 1000],
    [3, 0.5, 200],
    [3, 0, 0],
  ])('attempt %i with dice %f waits %i ms (full jitter, capped)', (attempt, random, expected) => {
    expect(backoffDelay(attempt, POLICY, () => random)).toBe(expected);
  });
});
