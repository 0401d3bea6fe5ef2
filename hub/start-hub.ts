import { writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createLogger, type Logger } from '../shared/logger.ts';
import type { HubConfig } from './config.ts';
import { systemClock, type Clock } from './engine/clock.ts';
import { createEngine, type Engine } from './engine/engine.ts';
import { createHubMetrics } from './metrics.ts';
import type { AdminAuthorizer } from './engine/admin-authorizer.ts';
import { startGrpcServer } from './grpc/grpc-server.ts';
import { buildRestServer } from './rest/rest-server.ts';
import { createRateLimiter } from './guard/rate-limiter.ts';
import { createSealer, loadEncryptionKeys } from './store/sealer.ts';
import { openStore, type Store } from './store/store.ts';
import { ensureHubPki, loadTlsFiles, type HubTls } from './tls/hub-pki.ts';

export interface HubDeps {
  /** Default: a pino logger at config.logLevel on stdout. */
  log?: Logger;
  /** Default: the system clock. */
  clock?: Clock;
  /** Default: admin tokens (read-only reads, admin writes). */
  authorizeAdmin?: AdminAuthorizer;
  /**
   * Shows the first admin token once, outside the structured log. Default: a "save this" line
   * on stderr.
   */
  announceAdminToken?: (token: string, file: string) => void;
  /** Aborting it stops the hub as stop() does. */
  signal?: AbortSignal;
}

export type HubLifecycle = 'Running' | 'Stopping' | 'Stopped';

export interface RunningHub {
  grpcPort: number;
  httpPort: number;
  hubId: string;
  /** Whether gRPC and REST serve TLS (false only with --insecure). */
  tls: boolean;
  /** The CA agents and tools verify the hub with ('' with --insecure or operator files without a CA). */
  caPem: string;
  /** For in-process tests and tools: the write path and the store behind it. */
  engine: Engine;
  store: Store;
  lifecycle(): HubLifecycle;
  /** Stops accepting, ends Sync streams, lets in-flight calls finish, closes the database. Idempotent. */
  stop(): Promise<void>;
}

/** How long in-flight gRPC calls get to finish on stop before they are cut. */
const GRPC_GRACE_MS = 5_000;

function writeAdminTokenFile(file: string, token: string): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/**
 * Shows the first admin token once, to a person at a terminal. When stderr is not a terminal it
 * is a log (a container's, a service manager's), and tokens never go to logs: only the file is named.
 */
const announceOnStderr = (token: string, file: string) => {
  process.stderr.write(
    process.stderr.isTTY
      ? `fedhub hub: initial admin token (save this; it is shown only once, and written to ${file}):\n${token}\n`
      : `fedhub hub: initial admin token created and written to ${file} (save this file; it is not shown in logs)\n`,
  );
};

/** Serving material: none with --insecure, the operator's files, or the hub's own PKI. */
function tlsMaterial(config: HubConfig, now: number): HubTls | undefined {
  if (config.insecure) return undefined;
  if (config.tlsCertFile && config.tlsKeyFile) {
    return loadTlsFiles({
      certFile: config.tlsCertFile,
      keyFile: config.tlsKeyFile,
      caFile: config.tlsCaFile,
    });
  }
  return ensureHubPki(path.join(config.dataDir, 'pki'), config.tlsSans, new Date(now));
}

/**
 * Starts a hub: opens (or creates) the database, then serves gRPC and REST. Ports 0 bind free
 * ports; the bound ones are returned.
 */
export async function startHub(config: HubConfig, deps: HubDeps = {}): Promise<RunningHub> {
  const log = deps.log ?? createLogger({ level: config.logLevel, name: 'fedhub-hub' });
  const clock = deps.clock ?? systemClock;
  // Certificates are checked by peers against real time, not the hub's (test) clock.
  const tls = tlsMaterial(config, Date.now());
  if (!tls) log.warn({}, 'TLS is off (--insecure): tokens and credentials travel in plaintext');
  const sealer = config.encryptionKeyFile
    ? createSealer(loadEncryptionKeys(config.encryptionKeyFile))
    : undefined;
  const store = openStore(config.dbFile, sealer ? { sealer } : {});
  let state: HubLifecycle = 'Running';
  const setState = (next: HubLifecycle) => {
    state = next;
    log.info({ state }, 'hub lifecycle');
  };
  const metrics = createHubMetrics();
  const engine = createEngine(
    { store, clock, log: log.child({ component: 'engine' }) },
    {
      limits: { maxDocumentBytes: config.maxDocumentBytes, maxDocuments: config.maxDocuments },
      heartbeatIntervalMs: config.heartbeatIntervalMs,
      bootstrapTokenTtlMs: config.bootstrapTokenTtlMs,
      bootstrapTokenMaxUses: config.bootstrapTokenMaxUses,
      tombstoneRetentionMs: config.tombstoneRetentionMs,
      health: {
        heartbeatIntervalMs: config.heartbeatIntervalMs,
        graceMs: config.heartbeatGraceMs,
        failoverDelayMs: config.failoverDelayMs,
        stabilizationMs: config.stabilizationWindowMs,
      },
      failover: {
        failbackTimeoutMs: config.failbackTimeoutMs,
        unschedulableThresholdMs: config.unschedulableThresholdMs,
      },
      observer: metrics.observer,
    },
  );
  metrics.attach(engine);
  let initial;
  try {
    initial = engine.ensureInitialAdminToken();
    if (initial) {
      writeAdminTokenFile(config.adminTokenFile, initial.token);
      (deps.announceAdminToken ?? announceOnStderr)(initial.token, config.adminTokenFile);
      log.info({ tokenId: initial.id, file: config.adminTokenFile }, 'initial admin token created');
    }
  } catch (err) {
    store.close();
    throw err;
  }
  let grpc: Awaited<ReturnType<typeof startGrpcServer>> | undefined;
  const authorizeAdmin = deps.authorizeAdmin ?? engine.authorizeAdmin;
  const limiter = createRateLimiter(
    { ratePerSecond: config.rateLimitPerSecond, burst: config.rateLimitBurst },
    clock,
  );
  const caPem = tls?.caPem ?? '';
  const serving = tls && { certPem: tls.certPem, keyPem: tls.keyPem };
  const rest = buildRestServer(
    { engine, log, authorizeAdmin, isReady: () => state === 'Running', metrics },
    {
      maxRequestBytes: config.maxRequestBytes,
      requestTimeoutMs: config.requestTimeoutMs,
      caPem,
      limiter,
      ...(serving ? { tls: serving } : {}),
    },
  );
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
        caPem,
        limiter,
        idleConnectionMs: 10 * config.requestTimeoutMs,
        ...(serving ? { tls: serving } : {}),
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
  engine.health.start(config.healthTickMs);

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      setState('Stopping');
      clearInterval(compaction);
      engine.health.stop();
      // Stop accepting first; then end streams and wait for calls; the database closes last.
      await Promise.all([rest.close(), grpc!.stop(GRPC_GRACE_MS)]);
      store.close();
      setState('Stopped');
    })());
  deps.signal?.addEventListener('abort', () => void stop(), { once: true });
  log.info(
    {
      hubId: store.meta.hubId(),
      grpcPort: grpc.port,
      httpPort,
      dbFile: config.dbFile,
      tls: tls?.source ?? 'off',
      secretsAtRest: sealer ? 'encrypted' : 'plaintext',
    },
    'hub started',
  );
  return {
    grpcPort: grpc.port,
    httpPort,
    hubId: store.meta.hubId(),
    tls: tls !== undefined,
    caPem,
    engine,
    store,
    lifecycle: () => state,
    stop,
  };
}
