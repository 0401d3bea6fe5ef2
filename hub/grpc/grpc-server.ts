import { Server, ServerCredentials, type ServiceClientConstructor } from '@grpc/grpc-js';
import type { Logger } from '../../shared/logger.ts';
import { fedhubV1 } from '../../shared/proto.ts';
import type { Engine } from '../engine/engine.ts';
import { createAdminService } from './admin-service.ts';
import { createAgentService } from './agent-service.ts';
import { allowAllAdmin, type AdminAuthorizer } from '../engine/admin-authorizer.ts';
import { createStreamRegistry } from './sync-stream.ts';

export interface GrpcServerOptions {
  host: string;
  port: number;
  maxMessageBytes: number;
  keepaliveTimeMs: number;
  keepaliveTimeoutMs: number;
  syncChunkBytes: number;
  syncChunkObjects: number;
  /** Admin call authorizer. Default: allow all. */
  authorizeAdmin?: AdminAuthorizer;
}

export interface RunningGrpcServer {
  port: number;
  /** Stops accepting, ends live Sync streams, waits for calls to finish (forcing after graceMs). */
  stop(graceMs: number): Promise<void>;
}

export async function startGrpcServer(
  deps: { engine: Engine; log: Logger },
  opts: GrpcServerOptions,
): Promise<RunningGrpcServer> {
  const log = deps.log.child({ component: 'grpc' });
  const server = new Server({
    'grpc.max_receive_message_length': opts.maxMessageBytes,
    'grpc.max_send_message_length': opts.maxMessageBytes,
    'grpc.keepalive_time_ms': opts.keepaliveTimeMs,
    'grpc.keepalive_timeout_ms': opts.keepaliveTimeoutMs,
    'grpc.keepalive_permit_without_calls': 1,
  });
  const streams = createStreamRegistry();
  const v1 = fedhubV1();
  const service = (name: string) => (v1[name] as ServiceClientConstructor).service;
  server.addService(
    service('AgentService'),
    createAgentService({
      engine: deps.engine,
      log,
      streams,
      chunk: { maxBytes: opts.syncChunkBytes, maxObjects: opts.syncChunkObjects },
    }),
  );
  server.addService(
    service('AdminService'),
    createAdminService({ engine: deps.engine, log, authorize: opts.authorizeAdmin ?? allowAllAdmin }),
  );
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${opts.host}:${opts.port}`, ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    );
  });
  log.info({ host: opts.host, port }, 'grpc listening');
  return {
    port,
    stop: async (graceMs) => {
      streams.endAll();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
