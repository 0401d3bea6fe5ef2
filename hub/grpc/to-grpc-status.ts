import { status, type ServiceError } from '@grpc/grpc-js';
import {
  AlreadyExistsError,
  ConfigError,
  NotFoundError,
  PermissionDeniedError,
  UnauthenticatedError,
  ValidationError,
} from '../../shared/errors.ts';
import type { Logger } from '../../shared/logger.ts';
import { RateLimitedError } from '../guard/rate-limiter.ts';

export type GrpcErrorStatus = Pick<ServiceError, 'code' | 'details' | 'message'>;

/** Longest status detail sent: it travels in a trailer (grpc-message), and may quote input. */
const MAX_DETAILS = 2048;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Details a trailer can carry: well-formed UTF-16 (a quoted lone surrogate would make grpc-js
 * fail to encode the status and answer UNKNOWN) and bounded.
 */
function toDetails(message: string): string {
  const text = message.replace(LONE_SURROGATE, '\uFFFD');
  return text.length > MAX_DETAILS ? `${text.slice(0, MAX_DETAILS)}…` : text;
}

/**
 * The one place hub errors become gRPC status. Named errors keep their message; anything else
 * is logged with its stack and reaches the peer only as INTERNAL "internal error".
 */
export function toGrpcStatus(err: unknown, log: Logger): GrpcErrorStatus {
  const named = (code: status, e: Error): GrpcErrorStatus => ({
    code,
    details: toDetails(e.message),
    message: toDetails(e.message),
  });
  if (err instanceof ValidationError || err instanceof ConfigError)
    return named(status.INVALID_ARGUMENT, err);
  if (err instanceof NotFoundError) return named(status.NOT_FOUND, err);
  if (err instanceof AlreadyExistsError) return named(status.ALREADY_EXISTS, err);
  if (err instanceof UnauthenticatedError) return named(status.UNAUTHENTICATED, err);
  if (err instanceof PermissionDeniedError) return named(status.PERMISSION_DENIED, err);
  if (err instanceof RateLimitedError) return named(status.RESOURCE_EXHAUSTED, err);
  log.error({ err }, 'unexpected error in gRPC handler');
  return { code: status.INTERNAL, details: 'internal error', message: 'internal error' };
}
