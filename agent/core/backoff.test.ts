// Pins the reconnect delay: exponential growth, a ceiling, and jitter drawn from the injected random source.
import { describe, expect, it } from 'vitest';
import { computeBackoffMs, DEFAULT_BACKOFF } from './backoff.ts';

describe('computeBackoffMs', () => {
  it.each([
    ['the first retry with random 1 waits the full initial delay', 0, 0.999999, 500],
    ['the first retry with random 0 waits half the initial delay', 0, 0, 250],
    ['the third retry with random 0 waits half of four times the initial delay', 2, 0, 1000],
    ['a late retry is capped at the maximum', 20, 0.999999, 30_000],
    ['a late retry with random 0 waits half the maximum', 40, 0, 15_000],
    ['a negative attempt counts as the first', -3, 0, 250],
  ])('%s', (_n, attempt, r, expected) => {
    expect(computeBackoffMs(attempt, DEFAULT_BACKOFF, () => r)).toBe(expected);
  });

  it('without jitter the delay ignores the random source', () => {
    const policy = { ...DEFAULT_BACKOFF, jitter: 0 };
    expect(computeBackoffMs(1, policy, () => 0)).toBe(computeBackoffMs(1, policy, () => 0.9));
  });
});
