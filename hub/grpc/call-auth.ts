import type { Metadata } from '@grpc/grpc-js';
import { parseBearer } from '../engine/admin-authorizer.ts';
import type { Engine } from '../engine/engine.ts';
import type { RateLimiter } from '../guard/rate-limiter.ts';

/** The token of `authorization: Bearer <token>` metadata, or undefined. */
export function bearerToken(metadata: Metadata): string | undefined {
  return parseBearer(metadata.get('authorization')[0]);
}

/** The address of a grpc-js peer string (`1.2.3.4:5678`, `[::1]:5678`), without the port. */
export function peerAddress(peer: string): string {
  const i = peer.lastIndexOf(':');
  return (i > 0 ? peer.slice(0, i) : peer).replace(/^\[|\]$/g, '');
}

/** Runs first in every call: takes a token from the caller's bucket (its identity, else its address). */
export type CallGuard = (call: { metadata: Metadata; getPeer(): string }) => void;

export function createCallGuard(engine: Engine, limiter: RateLimiter | undefined): CallGuard {
  if (!limiter) return () => {};
  return (call) => {
    const identity = engine.identify(bearerToken(call.metadata));
    limiter.take(identity ?? `addr:${peerAddress(call.getPeer())}`);
  };
}
