import { once } from 'node:events';
import type { ServerWritableStream } from '@grpc/grpc-js';
import type { Logger } from '../../shared/logger.ts';
import type { Engine } from '../engine/engine.ts';
import type { SliceRow } from '../store/records.ts';
import type { SyncMessageMsg, SyncRequestMsg } from './agent-wire.ts';
import { bearerToken, type CallGuard } from './call-auth.ts';
import { chunkSlice, type ChunkLimits } from './chunk-slice.ts';
import { requireDecoded } from './safe-deserialize.ts';
import { toGrpcStatus } from './to-grpc-status.ts';

export type SyncCall = ServerWritableStream<SyncRequestMsg, SyncMessageMsg>;

/** Live Sync streams, so shutdown can end them before the server stops. */
export interface StreamRegistry {
  add(call: SyncCall): void;
  delete(call: SyncCall): void;
  endAll(): void;
  size(): number;
}

export function createStreamRegistry(): StreamRegistry {
  const calls = new Set<SyncCall>();
  return {
    add: (c) => calls.add(c),
    delete: (c) => calls.delete(c),
    endAll: () => {
      for (const c of calls) c.end();
      calls.clear();
    },
    size: () => calls.size,
  };
}

/** Writes one message, waiting for 'drain' when the transport's buffer is full. */
async function writeMessage(call: SyncCall, msg: SyncMessageMsg, signal: AbortSignal): Promise<void> {
  if (!call.write(msg)) await once(call, 'drain', { signal });
}

export interface SyncDeps {
  engine: Engine;
  log: Logger;
  chunk: ChunkLimits;
  streams: StreamRegistry;
  guard: CallGuard;
}

/**
 * Serves one agent's Sync: authenticates, sends the first delta or (chunked) snapshot, then a
 * delta for every committed change of its cluster, in revision order, until the call ends.
 */
export function handleSync(deps: SyncDeps): (call: SyncCall) => void {
  return (call) => {
    const { engine } = deps;
    const req = call.request;
    let cluster: string;
    const presented = bearerToken(call.metadata);
    const authorize = () => {
      const owner = engine.authenticateCluster(presented);
      engine.requireSameCluster(owner, req.clusterName);
      return owner.name;
    };
    try {
      requireDecoded(req);
      deps.guard(call);
      cluster = authorize();
    } catch (err) {
      call.emit('error', toGrpcStatus(err, deps.log));
      return;
    }
    const log = deps.log.child({ cluster });
    const abort = new AbortController();
    const hubId = engine.hubId();
    let sent = 0;
    let dirty = false;
    let pumping = false;

    const send = async (kind: 'SNAPSHOT' | 'DELTA', from: number, revision: number, rows: SliceRow[]) => {
      const chunks = chunkSlice(rows, deps.chunk);
      for (let i = 0; i < chunks.length; i++) {
        const msg = {
          hubId,
          kind,
          fromRevision: from,
          revision,
          objects: chunks[i]!,
          complete: i === chunks.length - 1,
        };
        await writeMessage(call, msg, abort.signal);
      }
    };
    const pump = async () => {
      if (pumping) return;
      pumping = true;
      try {
        while (dirty && !abort.signal.aborted) {
          dirty = false;
          const { revision, rows } = engine.readChanges(cluster, sent);
          if (rows.length > 0) await send('DELTA', sent, revision, rows);
          sent = revision;
        }
      } finally {
        pumping = false;
      }
    };
    const fail = (err: unknown) => {
      if (abort.signal.aborted) return;
      log.warn({ err }, 'sync stream failed');
      abort.abort();
      call.emit('error', toGrpcStatus(err, deps.log));
    };
    const unsubscribe = engine.feed.subscribe(cluster, () => {
      dirty = true;
      void pump().catch(fail);
    });
    // Rotation, revocation or deletion of the cluster: the stream lives only while its credential does.
    const unsubscribeAccess = engine.access.subscribe(cluster, () => {
      try {
        authorize();
      } catch (err) {
        if (abort.signal.aborted) return;
        log.info({ reason: (err as Error).message }, 'sync stream ended: access withdrawn');
        abort.abort();
        call.emit('error', toGrpcStatus(err, deps.log));
      }
    });
    const close = () => {
      if (!abort.signal.aborted) abort.abort();
      unsubscribe();
      unsubscribeAccess();
      deps.streams.delete(call);
    };
    call.on('cancelled', close);
    call.on('close', close);
    call.on('finish', close);
    call.on('error', close);
    deps.streams.add(call);

    const start = async () => {
      pumping = true;
      try {
        const first = engine.readSlice(cluster, req.sinceRevision, req.hubId);
        log.info(
          {
            kind: first.kind,
            since: req.sinceRevision,
            revision: first.revision,
            objects: first.rows.length,
          },
          'sync started',
        );
        if (first.kind === 'snapshot') await send('SNAPSHOT', 0, first.revision, first.rows);
        else await send('DELTA', first.fromRevision, first.revision, first.rows);
        sent = first.revision;
      } finally {
        pumping = false;
      }
      await pump();
    };
    void start().catch(fail);
  };
}
