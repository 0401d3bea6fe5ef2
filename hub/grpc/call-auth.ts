import type { Metadata } from '@grpc/grpc-js';

/** The token of `authorization: Bearer <token>`, or undefined. */
export function bearerToken(metadata: Metadata): string | undefined {
  const value = metadata.get('authorization')[0];
  if (typeof value !== 'string') return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(value);
  return m?.[1];
}

/**
 * Decides whether an admin call may proceed; throws UnauthenticatedError or PermissionDeniedError
 * to refuse. The hub accepts every admin call for now: admin tokens plug in here.
 */
export type AdminAuthorizer = (metadata: Metadata, method: string) => void;

export const allowAllAdmin: AdminAuthorizer = () => {};
