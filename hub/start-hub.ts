import { createLogger, type Logger } from '../shared/logger.ts';
import type { HubConfig } from './config.ts';
import { systemClock, type Clock } from './engine/clock.ts';
import { createEngine, type Engine } from './engine/engine.ts';
import { allowAllAdmin, type AdminAuthorizer } from './engine/admin-authorizer.ts';
import { startGrpcServer } from './grpc/grpc-server.ts';
import { buildRestServer } from './rest/rest-server.ts';
import { openStore, type Store } from './store/store.ts';

export interface HubDeps {
  /** Default: a pino logger at config.logLevel on stdout. */
  log?: Logger;
  /** Default: the system clock. */
  clock?: Clock;
  /** Default: every admin call allowed. */
  authorizeAdmin?: AdminAuthorizer;
  /** Aborting it stops the hub as stop() does. */
  signal?: AbortSignal;
}

export type HubLifecycle = 'Running' | 'Stopping' | 'Stopped';

export interface RunningHub {
  grpcPort: number;
  httpPort: number;
  hubId: string;
  /** For in-process tests and tools: the write path and the store behind it. */
  engine: Engine;
  store: Store;
  lifecycle(): HubLifecycle;
  /** Stops accepting, ends Sync streams, lets in-flight calls finish, closes the database. Idempotent. */
  stop(): Promise<void>;
}

/** How long in-flight gRPC calls get to finish on stop before they are cut. */
const GRPC_GRACE_MS = 5_000;

/**
 * Starts a hub: opens (or creates) the database, then serves gRPC and REST. Ports 0 bind free
 * ports; the bound ones are returned.
 */
export async function startHub(config: HubConfig, deps: HubDeps = {}): Promise<RunningHub> {
  const log = deps.log ?? createLogger({ level: config.logLevel, name: 'fedhub-hub' });
  const clock = deps.clock ?? systemClock;
  const store = openStore(config.dbFile);
  let state: HubLifecycle = 'Running';
  const setState = (next: HubLifecycle) => {
    state = next;
    log.info({ state }, 'hub lifecycle');
  };
  const engine = createEngine(
    { store, clock, log: log.child({ component: 'engine' }) },
    {
      limits: { maxDocumentBytes: config.maxDocumentBytes, maxDocuments: config.maxDocuments },
      heartbeatIntervalMs: config.heartbeatIntervalMs,
      bootstrapTokenTtlMs: config.bootstrapTokenTtlMs,
      bootstrapTokenMaxUses: config.bootstrapTokenMaxUses,
      tombstoneRetentionMs: config.tombstoneRetentionMs,
    },
  );
  let grpc: Awaited<ReturnType<typeof startGrpcServer>> | undefined;
  const authorizeAdmin = deps.authorizeAdmin ?? allowAllAdmin;
  const rest = buildRestServer({ engine, log, authorizeAdmin, isReady: () => state === 'Running' }, config);
  try {
    grpc = await startGrpcServer(
      { engine, log },
      {
        host: config.grpcHost,
        port: config.grpcPort,
        maxMessageBytes: config.grpcMaxMessageBytes,
        keepaliveTimeMs: config.keepaliveTimeMs,
        keepaliveTimeoutMs: config.keepaliveTimeoutMs,
        syncChunkBytes: config.syncChunkBytes,
        syncChunkObjects: config.syncChunkObjects,
        authorizeAdmin,
      },
    );
    await rest.listen({ host: config.httpHost, port: config.httpPort });
  } catch (err) {
    await grpc?.stop(0);
    await rest.close();
    store.close();
    throw err;
  }
  const httpPort = (rest.server.address() as { port: number }).port;
  const compaction = setInterval(() => {
    try {
      const out = engine.compact();
      if (out.pruned > 0) log.info(out, 'tombstones pruned');
    } catch (err) {
      log.error({ err }, 'tombstone pruning failed');
    }
  }, config.compactionIntervalMs);
  compaction.unref();

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      setState('Stopping');
      clearInterval(compaction);
      // Stop accepting first; then end streams and wait for calls; the database closes last.
      await Promise.all([rest.close(), grpc!.stop(GRPC_GRACE_MS)]);
      store.close();
      setState('Stopped');
    })());
  deps.signal?.addEventListener('abort', () => void stop(), { once: true });
  log.info(
    { hubId: store.meta.hubId(), grpcPort: grpc.port, httpPort, dbFile: config.dbFile },
    'hub started',
  );
  return {
    grpcPort: grpc.port,
    httpPort,
    hubId: store.meta.hubId(),
    engine,
    store,
    lifecycle: () => state,
    stop,
  };
}
