import { Server, ServerCredentials, type ServiceClientConstructor } from '@grpc/grpc-js';
import type { Logger } from '../../shared/logger.ts';
import { fedhubV1 } from '../../shared/proto.ts';
import type { Engine } from '../engine/engine.ts';
import { createAdminService } from './admin-service.ts';
import { createAgentService } from './agent-service.ts';
import { allowAllAdmin, type AdminAuthorizer } from '../engine/admin-authorizer.ts';
import { withSafeDeserializers } from './safe-deserialize.ts';
import { createStreamRegistry } from './sync-stream.ts';
import { createCallGuard } from './call-auth.ts';
import type { RateLimiter } from '../guard/rate-limiter.ts';

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
  /** Serve TLS with this certificate and key; absent: plaintext (the hub's --insecure). */
  tls?: { certPem: string; keyPem: string };
  /** The CA handed out with bootstrap tokens. Default ''. */
  caPem?: string;
  /** Per-client limit on calls and stream opens. Default: none. */
  limiter?: RateLimiter;
  /** Connections without calls for this long are closed. Default: never. */
  idleConnectionMs?: number;
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
    ...(opts.idleConnectionMs ? { 'grpc.max_connection_idle_ms': opts.idleConnectionMs } : {}),
  });
  const guard = createCallGuard(deps.engine, opts.limiter);
  const streams = createStreamRegistry();
  const v1 = fedhubV1();
  const service = (name: string) => withSafeDeserializers((v1[name] as ServiceClientConstructor).service);
  server.addService(
    service('AgentService'),
    createAgentService({
      engine: deps.engine,
      log,
      streams,
      guard,
      chunk: { maxBytes: opts.syncChunkBytes, maxObjects: opts.syncChunkObjects },
    }),
  );
  server.addService(
    service('AdminService'),
    createAdminService({
      engine: deps.engine,
      log,
      authorize: opts.authorizeAdmin ?? allowAllAdmin,
      guard,
      caPem: opts.caPem ?? '',
    }),
  );
  const port = await new Promise<number>((resolve, reject) => {
    const creds = opts.tls
      ? ServerCredentials.createSsl(
          null,
          [{ cert_chain: Buffer.from(opts.tls.certPem), private_key: Buffer.from(opts.tls.keyPem) }],
          false,
        )
      : ServerCredentials.createInsecure();
    server.bindAsync(`${opts.host}:${opts.port}`, creds, (err, p) => (err ? reject(err) : resolve(p)));
  });
  log.info({ host: opts.host, port, tls: opts.tls !== undefined }, 'grpc listening');
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
