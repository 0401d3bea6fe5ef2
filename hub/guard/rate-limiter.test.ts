// Pins the per-client token bucket: burst then refusal with a wait, refill over time, clients apart, bounded memory.
import { describe, expect, it } from 'vitest';
import { createRateLimiter, RateLimitedError } from './rate-limiter.ts';

function clock(start = 0) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

describe('rate limiter', () => {
  it('allows the burst at once, then refuses with the time until the next token', () => {
    const c = clock();
    const limiter = createRateLimiter({ ratePerSecond: 2, burst: 3 }, c);
    for (let i = 0; i < 3; i++) limiter.take('a');
    let refused: unknown;
    try {
      limiter.take('a');
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect((refused as RateLimitedError).retryAfterMs).toBe(500);
  });

  it.each([
    ['half a second refills one token at 2 per second', 500, 1],
    ['ten seconds refill no more than the burst', 10_000, 3],
  ])('%s', (_name, wait, allowed) => {
    const c = clock();
    const limiter = createRateLimiter({ ratePerSecond: 2, burst: 3 }, c);
    for (let i = 0; i < 3; i++) limiter.take('a');
    c.advance(wait);
    for (let i = 0; i < allowed; i++) limiter.take('a');
    expect(() => limiter.take('a')).toThrow(RateLimitedError);
  });

  it('keeps clients apart', () => {
    const limiter = createRateLimiter({ ratePerSecond: 1, burst: 1 }, clock());
    limiter.take('a');
    expect(() => limiter.take('a')).toThrow(RateLimitedError);
    expect(() => limiter.take('b')).not.toThrow();
  });

  it('keeps at most maxClients buckets', () => {
    const limiter = createRateLimiter({ ratePerSecond: 1, burst: 5, maxClients: 100 }, clock());
    for (let i = 0; i < 1000; i++) limiter.take(`client-${i}`);
    expect(limiter.size()).toBeLessThanOrEqual(100);
  });
});
