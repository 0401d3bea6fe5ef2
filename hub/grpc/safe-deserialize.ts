/**
 * grpc-js answers a request it cannot decode with INTERNAL, as if the hub had failed. Wrapping
 * each method's deserializer turns undecodable bytes into a marked value that the handlers
 * refuse with INVALID_ARGUMENT through the one error mapping, like any other bad input.
 */
import type { ServiceDefinition } from '@grpc/grpc-js';
import { ValidationError } from '../../shared/errors.ts';

const MALFORMED = Symbol('malformed protobuf');

interface Malformed {
  [MALFORMED]: string;
}

/** The definition with deserializers that never throw. */
export function withSafeDeserializers(service: ServiceDefinition): ServiceDefinition {
  const out: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(service)) {
    out[name] = {
      ...method,
      requestDeserialize: (bytes: Buffer): unknown => {
        try {
          return method.requestDeserialize(bytes);
        } catch (err) {
          return { [MALFORMED]: (err as Error).message } satisfies Malformed;
        }
      },
    };
  }
  return out as ServiceDefinition;
}

/** Throws ValidationError for a request that did not decode. */
export function requireDecoded(request: unknown): void {
  if (request !== null && typeof request === 'object' && MALFORMED in request) {
    // The decoder's message names the wire problem (e.g. "invalid wire type 7 at offset 3").
    throw new ValidationError('request', `malformed protobuf: ${(request as Malformed)[MALFORMED]}`);
  }
}
