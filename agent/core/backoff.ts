/**
 * Reconnect policy: exponential backoff with jitter, a pure function of the attempt number and
 * an injected random source so tests can pin every delay.
 */

export interface BackoffPolicy {
  /** Delay before the first retry. Default 500 ms. */
  initialMs: number;
  /** Ceiling of the delay. Default 30 s. */
  maxMs: number;
  /** Growth per attempt. Default 2. */
  multiplier: number;
  /** Fraction of the delay that is random, 0..1. Default 0.5: the delay lies in [base/2, base]. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 500, maxMs: 30_000, multiplier: 2, jitter: 0.5 };

/** Delay before retry number `attempt` (0 for the first retry). `random()` returns [0, 1). */
export function computeBackoffMs(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const exp = Math.min(Math.max(attempt, 0), 64);
  const base = Math.min(policy.maxMs, policy.initialMs * policy.multiplier ** exp);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(base * (1 - policy.jitter + policy.jitter * r));
}
