import type { Metadata } from '@grpc/grpc-js';
import { parseBearer } from '../engine/admin-authorizer.ts';

/** The token of `authorization: Bearer <token>` metadata, or undefined. */
export function bearerToken(metadata: Metadata): string | undefined {
  return parseBearer(metadata.get('authorization')[0]);
}
