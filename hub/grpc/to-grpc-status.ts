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

/**
 * The one place hub errors become gRPC status. Named errors keep their message; anything else
 * is logged with its stack and reaches the peer only as INTERNAL "internal error".
 */
export function toGrpcStatus(err: unknown, log: Logger): GrpcErrorStatus {
  const named = (code: status, e: Error): GrpcErrorStatus => ({
    code,
    details: e.message,
    message: e.message,
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
