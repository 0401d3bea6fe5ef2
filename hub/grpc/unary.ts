import type { sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import type { Logger } from '../../shared/logger.ts';
import { requireDecoded } from './safe-deserialize.ts';
import { toGrpcStatus } from './to-grpc-status.ts';

/**
 * Adapts a synchronous handler to grpc-js: its return value is the response, a throw becomes
 * the gRPC status through toGrpcStatus. Handlers themselves never catch and translate.
 */
export function unary<Req, Res>(
  log: Logger,
  handler: (call: ServerUnaryCall<Req, Res>) => Res,
): (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => void {
  return (call, callback) => {
    let response: Res;
    try {
      requireDecoded(call.request);
      response = handler(call);
    } catch (err) {
      callback(toGrpcStatus(err, log));
      return;
    }
    callback(null, response);
  };
}
