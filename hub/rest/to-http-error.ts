import {
  AlreadyExistsError,
  NotFoundError,
  PermissionDeniedError,
  UnauthenticatedError,
  ValidationError,
} from '../../shared/errors.ts';
import type { Logger } from '../../shared/logger.ts';
import { DocumentLimitError, MalformedDocumentError } from '../engine/core-port.ts';
import { RateLimitedError } from '../guard/rate-limiter.ts';

/** A failure as the REST API answers it, in the shape of a Kubernetes Status. */
export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  status: 'Failure';
  code: number;
  reason: string;
  message: string;
  details?: { field?: string; document?: number };
}

const FASTIFY_CODES: Record<string, [number, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'RequestEntityTooLarge'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'UnsupportedMediaType'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'BadRequest'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'BadRequest'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'BadRequest'],
  FST_ERR_MAX_PARAM_LENGTH: [414, 'RequestURITooLong'],
  FST_ERR_BAD_URL: [400, 'BadRequest'],
};

function status(code: number, reason: string, message: string, details?: StatusBody['details']): StatusBody {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    status: 'Failure',
    code,
    reason,
    message,
    ...(details ? { details } : {}),
  };
}

function validationDetails(err: ValidationError): StatusBody['details'] {
  return { field: err.field, ...(err.document !== undefined ? { document: err.document } : {}) };
}

/**
 * The one place errors become HTTP answers: malformed input 400, invalid 422, too large 413,
 * unsupported content type 415, not found 404, conflicts 409. Anything unnamed is logged with
 * its stack and answered 500 "internal error".
 */
export function toHttpError(err: unknown, log: Logger): StatusBody {
  if (err instanceof DocumentLimitError)
    return status(413, 'RequestEntityTooLarge', err.message, validationDetails(err));
  if (err instanceof MalformedDocumentError)
    return status(400, 'BadRequest', err.message, validationDetails(err));
  if (err instanceof ValidationError) return status(422, 'Invalid', err.message, validationDetails(err));
  if (err instanceof NotFoundError) return status(404, 'NotFound', err.message);
  if (err instanceof AlreadyExistsError) return status(409, 'AlreadyExists', err.message);
  if (err instanceof UnauthenticatedError) return status(401, 'Unauthorized', err.message);
  if (err instanceof PermissionDeniedError) return status(403, 'Forbidden', err.message);
  if (err instanceof RateLimitedError) return status(429, 'TooManyRequests', err.message);
  const code = (err as { code?: unknown }).code;
  const known = typeof code === 'string' ? FASTIFY_CODES[code] : undefined;
  if (known) return status(known[0], known[1], (err as Error).message);
  const statusCode = (err as { statusCode?: unknown }).statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    return status(statusCode, 'BadRequest', (err as Error).message);
  }
  log.error({ err }, 'unexpected error in REST handler');
  return status(500, 'InternalError', 'internal error');
}
