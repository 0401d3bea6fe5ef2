/**
 * Per-client token buckets: each client (a credential's identity, or else a remote address)
 * may make `burst` calls at once and `ratePerSecond` sustained. Refusals carry how long to wait.
 */
import { FedhubError } from '../../shared/errors.ts';
import type { Clock } from '../engine/clock.ts';

/** Too many calls from one client. HTTP 429 with Retry-After; gRPC RESOURCE_EXHAUSTED. */
export class RateLimitedError extends FedhubError {
  readonly retryAfterMs: number;
  constructor(retryAfterMs: number) {
    super(`rate limit exceeded; retry in ${Math.ceil(retryAfterMs / 1000)} s`);
    this.retryAfterMs = retryAfterMs;
  }
}

export interface RateLimitOptions {
  ratePerSecond: number;
  burst: number;
  /** Buckets kept at most; full (idle) buckets are dropped first. Default 10000. */
  maxClients?: number;
}

export interface RateLimiter {
  /** Takes one token for `client`; throws RateLimitedError when its bucket is empty. */
  take(client: string): void;
  size(): number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export function createRateLimiter(opts: RateLimitOptions, clock: Clock): RateLimiter {
  const buckets = new Map<string, Bucket>();
  const maxClients = opts.maxClients ?? 10_000;
  const perMs = opts.ratePerSecond / 1000;
  const refill = (b: Bucket, now: number) => {
    b.tokens = Math.min(opts.burst, b.tokens + Math.max(0, now - b.at) * perMs);
    b.at = now;
  };
  const evict = (now: number) => {
    for (const [k, b] of buckets) {
      refill(b, now);
      if (b.tokens >= opts.burst) buckets.delete(k);
    }
    // Still over: drop the oldest entries (Map keeps insertion order).
    for (const k of buckets.keys()) {
      if (buckets.size < maxClients) break;
      buckets.delete(k);
    }
  };
  return {
    take: (client) => {
      const now = clock.now();
      let b = buckets.get(client);
      if (!b) {
        if (buckets.size >= maxClients) evict(now);
        b = { tokens: opts.burst, at: now };
        buckets.set(client, b);
      }
      refill(b, now);
      if (b.tokens < 1) throw new RateLimitedError((1 - b.tokens) / perMs);
      b.tokens -= 1;
    },
    size: () => buckets.size,
  };
}
