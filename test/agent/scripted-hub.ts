/**
 * A small AgentService served over real gRPC on 127.0.0.1:0, scripted by the test: it holds one
 * cluster's slice with a revision history, answers Register / Sync / ReportStatus / Heartbeat the
 * way the contract says, and records every call. Agent tests use it until they run against the
 * real hub.
 */
import { createHash } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { canonicalJson } from '../../agent/core/canonical-json.ts';
import { splitApiVersion, toObjectKey } from '../../shared/object-key.ts';
import { fedhubV1 } from '../../shared/proto.ts';

type Obj = Record<string, unknown>;

export interface WireObjectStatus {
  key: string;
  status: string;
  message: string;
  revision: number;
  generation: number;
  observedGeneration: number;
  readyReplicas?: number;
  availableReplicas?: number;
  replicas?: number;
  health: string;
  driftCorrections: number;
  unschedulableReplicas: number;
  unschedulableSinceMs: number;
}

export interface ScriptedHubOptions {
  hubId?: string;
  bootstrapToken?: string;
  heartbeatIntervalMs?: number;
  /** Objects per snapshot chunk. Default 2, so snapshots are chunked. */
  chunkSize?: number;
  /** Reuse this port (a restarted hub). */
  port?: number;
}

interface HistoryEntry {
  key: string;
  revision: number;
  deleted: boolean;
  manifest?: Obj;
  hash: string;
  source: string;
}

export interface ScriptedHub {
  readonly address: string;
  readonly port: number;
  hubId: string;
  readonly registers: Array<{
    clusterName: string;
    bootstrapToken: string;
    authorization: string;
    labels: Record<string, string>;
  }>;
  readonly syncRequests: Array<{ clusterName: string; sinceRevision: number; hubId: string }>;
  readonly heartbeats: Array<{
    clusterName: string;
    health: string;
    message: string;
    appliedRevision: number;
    facts: Obj;
  }>;
  readonly reports: Array<{ appliedRevision: number; objects: WireObjectStatus[]; removed: string[] }>;
  /** Latest status per key, merged from every report (removed keys dropped). */
  readonly statuses: Map<string, WireObjectStatus>;
  readonly revision: number;
  /** Adds or changes a desired object; pushes a delta to open streams. Returns its key. */
  upsert(manifest: Obj, source?: string): string;
  /** Tombstones a key; pushes a delta to open streams. */
  remove(key: string): void;
  /** Ends every open sync stream with UNAVAILABLE. */
  dropStreams(): void;
  /** Forgets history so the next sync is answered with a snapshot. */
  compact(): void;
  openStreams(): number;
  stop(): Promise<void>;
}

export function keyOf(manifest: Obj): string {
  const md = (manifest['metadata'] ?? {}) as Obj;
  return toObjectKey({
    group: splitApiVersion(String(manifest['apiVersion'])).group,
    kind: String(manifest['kind']),
    namespace: typeof md['namespace'] === 'string' ? md['namespace'] : '',
    name: String(md['name']),
  });
}

export async function startScriptedHub(opts: ScriptedHubOptions = {}): Promise<ScriptedHub> {
  const bootstrapToken = opts.bootstrapToken ?? 'bootstrap-token';
  const chunkSize = opts.chunkSize ?? 2;
  const credentials = new Map<string, string>(); // credential -> cluster
  const current = new Map<string, HistoryEntry>();
  let history: HistoryEntry[] = [];
  let compactedAt = 0;
  let revision = 0;
  const streams = new Set<{ call: grpc.ServerWritableStream<Obj, Obj>; cluster: string }>();

  function auth(md: grpc.Metadata): string | undefined {
    const v = md.get('authorization')[0];
    const m = typeof v === 'string' ? /^Bearer (.+)$/.exec(v) : null;
    return m ? credentials.get(m[1]!) : undefined;
  }
  function toWire(e: HistoryEntry): Obj {
    return {
      key: e.key,
      revision: e.revision,
      deleted: e.deleted,
      manifest: e.manifest ? Buffer.from(JSON.stringify(e.manifest)) : Buffer.alloc(0),
      hash: e.hash,
      source: e.source,
    };
  }
  function push(e: HistoryEntry) {
    for (const s of streams) {
      s.call.write({
        hubId: hub.hubId,
        kind: 'DELTA',
        fromRevision: e.revision - 1,
        revision: e.revision,
        objects: [toWire(e)],
        complete: true,
      });
    }
  }

  const server = new grpc.Server();
  const unauth = { code: grpc.status.UNAUTHENTICATED, details: 'missing or invalid credential' };
  server.addService(fedhubV1()['AgentService']!.service, {
    Register(call: grpc.ServerUnaryCall<Obj, Obj>, cb: grpc.sendUnaryData<Obj>) {
      const r = call.request;
      const authorization = String(call.metadata.get('authorization')[0] ?? '');
      hub.registers.push({
        clusterName: String(r['clusterName']),
        bootstrapToken: String(r['bootstrapToken']),
        authorization,
        labels: r['labels'] as Record<string, string>,
      });
      const known = auth(call.metadata);
      if (known) {
        if (known !== r['clusterName'])
          return cb({ code: grpc.status.PERMISSION_DENIED, details: 'other cluster' });
        return cb(null, {
          clusterName: known,
          credential: '',
          hubId: hub.hubId,
          heartbeatIntervalMs: opts.heartbeatIntervalMs ?? 0,
        });
      }
      if (r['bootstrapToken'] !== bootstrapToken) return cb(unauth);
      const credential = `cred-${String(r['clusterName'])}-${credentials.size + 1}`;
      credentials.set(credential, String(r['clusterName']));
      cb(null, {
        clusterName: r['clusterName'],
        credential,
        hubId: hub.hubId,
        heartbeatIntervalMs: opts.heartbeatIntervalMs ?? 0,
      });
    },
    Sync(call: grpc.ServerWritableStream<Obj, Obj>) {
      const cluster = auth(call.metadata);
      const req = call.request;
      hub.syncRequests.push({
        clusterName: String(req['clusterName']),
        sinceRevision: Number(req['sinceRevision']),
        hubId: String(req['hubId']),
      });
      if (!cluster) return void call.emit('error', Object.assign(new Error(unauth.details), unauth));
      const since = Number(req['sinceRevision']);
      if (since === 0 || req['hubId'] !== hub.hubId || since < compactedAt) {
        const all = [...current.values()].filter((e) => !e.deleted);
        const chunks =
          all.length === 0
            ? [[]]
            : Array.from({ length: Math.ceil(all.length / chunkSize) }, (_, i) =>
                all.slice(i * chunkSize, (i + 1) * chunkSize),
              );
        chunks.forEach((c, i) =>
          call.write({
            hubId: hub.hubId,
            kind: 'SNAPSHOT',
            fromRevision: 0,
            revision,
            objects: c.map(toWire),
            complete: i === chunks.length - 1,
          }),
        );
      } else {
        const newer = history.filter((e) => e.revision > since);
        if (newer.length > 0 || since < revision) {
          call.write({
            hubId: hub.hubId,
            kind: 'DELTA',
            fromRevision: since,
            revision,
            objects: newer.map(toWire),
            complete: true,
          });
        }
      }
      const entry = { call, cluster };
      streams.add(entry);
      call.on('cancelled', () => streams.delete(entry));
      call.on('close', () => streams.delete(entry));
    },
    ReportStatus(call: grpc.ServerUnaryCall<Obj, Obj>, cb: grpc.sendUnaryData<Obj>) {
      if (!auth(call.metadata)) return cb(unauth);
      const r = call.request as unknown as {
        appliedRevision: number;
        objects: WireObjectStatus[];
        removed: string[];
      };
      hub.reports.push(r);
      for (const o of r.objects) hub.statuses.set(o.key, o);
      for (const k of r.removed) hub.statuses.delete(k);
      cb(null, { appliedRevision: r.appliedRevision });
    },
    Heartbeat(call: grpc.ServerUnaryCall<Obj, Obj>, cb: grpc.sendUnaryData<Obj>) {
      if (!auth(call.metadata)) return cb(unauth);
      hub.heartbeats.push(call.request as never);
      cb(null, {
        hubId: hub.hubId,
        heartbeatIntervalMs: opts.heartbeatIntervalMs ?? 0,
        receivedAtMs: Date.now(),
      });
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${opts.port ?? 0}`, grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );

  const hub: ScriptedHub = {
    address: `127.0.0.1:${port}`,
    port,
    hubId: opts.hubId ?? 'hub-a',
    registers: [],
    syncRequests: [],
    heartbeats: [],
    reports: [],
    statuses: new Map(),
    get revision() {
      return revision;
    },
    upsert(manifest, source = 'FederatedTest/ns/name') {
      const key = keyOf(manifest);
      revision++;
      const hash = createHash('sha256').update(canonicalJson(manifest)).digest('hex');
      const e: HistoryEntry = { key, revision, deleted: false, manifest, hash, source };
      current.set(key, e);
      history.push(e);
      push(e);
      return key;
    },
    remove(key) {
      revision++;
      const e: HistoryEntry = {
        key,
        revision,
        deleted: true,
        hash: '',
        source: current.get(key)?.source ?? '',
      };
      current.set(key, e);
      history.push(e);
      push(e);
    },
    dropStreams() {
      for (const s of streams)
        s.call.emit('error', Object.assign(new Error('hub going away'), { code: grpc.status.UNAVAILABLE }));
      streams.clear();
    },
    compact() {
      history = [];
      compactedAt = revision + 1;
    },
    openStreams: () => streams.size,
    async stop() {
      hub.dropStreams();
      await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
      server.forceShutdown();
    },
  };
  return hub;
}
