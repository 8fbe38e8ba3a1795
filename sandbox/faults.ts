/**
 * Fault injection and call counting: tests (or `POST /_sandbox/faults`) make the next N calls of an
 * endpoint fail with a given status and error code, then watch how many calls the client made.
 */

/** A failure to serve instead of the real reply; each module renders it in its own wire format. */
export interface Fault {
  readonly status: number;
  /** The service's error code, e.g. `Throttling`, `AccessDenied`. */
  readonly code?: string;
  readonly message?: string;
  /** A raw body to serve instead of the service's error format (a proxy's HTML page, truncated XML…). */
  readonly body?: string;
}

/** Pending faults and call counts per endpoint name (e.g. `aws.AssumeRoleWithWebIdentity`). */
export class Faults {
  readonly #pending = new Map<string, Fault[]>();
  readonly #calls = new Map<string, number>();

  /** Fails the next `times` calls of `endpoint` with `fault`. */
  inject(endpoint: string, fault: Fault, times = 1): void {
    const queue = this.#pending.get(endpoint) ?? [];
    for (let i = 0; i < times; i++) queue.push(fault);
    this.#pending.set(endpoint, queue);
  }

  /** Counts one call of `endpoint` and returns the fault to serve for it, if any. */
  take(endpoint: string): Fault | undefined {
    this.#calls.set(endpoint, this.calls(endpoint) + 1);
    return this.#pending.get(endpoint)?.shift();
  }

  /** How many calls `endpoint` has received. */
  calls(endpoint: string): number {
    return this.#calls.get(endpoint) ?? 0;
  }

  /** Forgets every pending fault and count. */
  reset(): void {
    this.#pending.clear();
    this.#calls.clear();
  }
}
