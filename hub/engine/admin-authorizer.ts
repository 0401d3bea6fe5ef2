/**
 * Decides whether an admin operation may proceed, from the bearer token the caller sent (REST
 * `Authorization` header or gRPC `authorization` metadata). Throws UnauthenticatedError or
 * PermissionDeniedError to refuse. Both transports call it once per request, before the handler:
 * admin tokens (issue 5) plug in here.
 */
export type AdminAuthorizer = (token: string | undefined, operation: string) => void;

/** Every admin call allowed: the default until admin tokens exist. */
export const allowAllAdmin: AdminAuthorizer = () => {};

/** The token of `Bearer <token>`, or undefined. */
export function parseBearer(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return /^Bearer\s+(\S+)\s*$/i.exec(value)?.[1];
}
