/**
 * The agent's client of the hub's AgentService. Every call but a bootstrap registration carries
 * the cluster credential as `authorization: Bearer …`; every call takes an AbortSignal; the
 * channel has keepalive so a dead hub is noticed, and bounded message sizes.
 */
import * as grpc from '@grpc/grpc-js';
import { fedhubV1 } from '../../shared/proto.ts';
import type { SliceChange } from '../core/desired-set.ts';
import type { ObjectStatusValue } from '../core/object-status.ts';
import type { SyncMessageIn } from '../core/session.ts';

export interface ClusterFactsWire {
  kubernetesVersion: string;
  nodeCount: number;
  allocatable: Record<string, string>;
  agentVersion: string;
}

export interface RegisterResult {
  clusterName: string;
  credential: string;
  hubId: string;
  heartbeatIntervalMs: number;
}

export interface HeartbeatInput {
  clusterName: string;
  health: string;
  message: string;
  facts: ClusterFactsWire;
  appliedRevision: number;
  sentAtMs: number;
}

export interface HubClientOptions {
  address: string;
  /** Channel credentials: grpc.credentials.createInsecure() or createSsl(ca). */
  channelCredentials: grpc.ChannelCredentials;
  /** Largest message accepted from the hub. Default 64 MiB. */
  maxReceiveBytes?: number;
  /** Per-call deadline of unary calls. Default 15 s. */
  callTimeoutMs?: number;
}

export interface HubClient {
  register(
    req: {
      clusterName: string;
      labels: Record<string, string>;
      facts: ClusterFactsWire;
      bootstrapToken: string;
    },
    credential: string | undefined,
    signal: AbortSignal,
  ): Promise<RegisterResult>;
  /** The sync stream as an async iterable; ends when the hub ends it or `signal` aborts. */
  sync(
    req: { clusterName: string; sinceRevision: number; hubId: string },
    credential: string,
    signal: AbortSignal,
  ): AsyncIterable<SyncMessageIn>;
  reportStatus(
    req: { clusterName: string; appliedRevision: number; objects: ObjectStatusValue[]; removed: string[] },
    credential: string,
    signal: AbortSignal,
  ): Promise<{ appliedRevision: number }>;
  heartbeat(
    req: HeartbeatInput,
    credential: string,
    signal: AbortSignal,
  ): Promise<{ hubId: string; heartbeatIntervalMs: number; receivedAtMs: number }>;
  /** Exchanges `credential` for a new one; the old one is refused from then on. */
  rotateCredential(
    req: { clusterName: string },
    credential: string,
    signal: AbortSignal,
  ): Promise<{ clusterName: string; credential: string }>;
  close(): void;
}

interface WireSliceObject {
  key: string;
  revision: number;
  deleted: boolean;
  manifest: Buffer;
  hash: string;
  source: string;
}

interface WireSyncMessage {
  hubId: string;
  kind: string;
  fromRevision: number;
  revision: number;
  objects: WireSliceObject[];
  complete: boolean;
}

/** The sync message as the session reducer sees it; a manifest that is not a JSON object is a protocol error. */
export function fromWireSyncMessage(m: WireSyncMessage): SyncMessageIn {
  const changes: SliceChange[] = m.objects.map((o) => {
    let manifest: Record<string, unknown> | undefined;
    if (!o.deleted) {
      const parsed: unknown = JSON.parse(Buffer.from(o.manifest).toString('utf8'));
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new Error(`slice object ${o.key}: manifest is not a JSON object`);
      }
      manifest = parsed as Record<string, unknown>;
    }
    return { key: o.key, revision: o.revision, deleted: o.deleted, hash: o.hash, source: o.source, manifest };
  });
  return {
    hubId: m.hubId,
    kind: m.kind === 'SNAPSHOT' || m.kind === 'DELTA' ? m.kind : 'KIND_UNSPECIFIED',
    fromRevision: m.fromRevision,
    revision: m.revision,
    changes,
    complete: m.complete,
  };
}

function metadataFor(credential: string | undefined): grpc.Metadata {
  const md = new grpc.Metadata();
  if (credential) md.set('authorization', `Bearer ${credential}`);
  return md;
}

type Unary = (
  req: unknown,
  md: grpc.Metadata,
  opts: grpc.CallOptions,
  cb: (err: grpc.ServiceError | null, res: unknown) => void,
) => grpc.ClientUnaryCall;

export function createHubClient(opts: HubClientOptions): HubClient {
  const Ctor = fedhubV1()['AgentService'];
  if (!Ctor) throw new Error('fedhub.v1.AgentService missing from the proto package');
  const client = new Ctor(opts.address, opts.channelCredentials, {
    'grpc.keepalive_time_ms': 20_000,
    'grpc.keepalive_timeout_ms': 10_000,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.max_receive_message_length': opts.maxReceiveBytes ?? 64 * 1024 * 1024,
    'grpc.max_send_message_length': 16 * 1024 * 1024,
    'grpc.initial_reconnect_backoff_ms': 500,
    'grpc.max_reconnect_backoff_ms': 10_000,
  });
  const callTimeoutMs = opts.callTimeoutMs ?? 15_000;

  function unary<T>(
    method: string,
    req: unknown,
    credential: string | undefined,
    signal: AbortSignal,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const fn = (client as unknown as Record<string, Unary>)[method]!.bind(client);
      const call = fn(req, metadataFor(credential), { deadline: Date.now() + callTimeoutMs }, (err, res) => {
        signal.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve(res as T);
      });
      const onAbort = () => call.cancel();
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  return {
    register: (req, credential, signal) => unary<RegisterResult>('Register', req, credential, signal),
    reportStatus: (req, credential, signal) => unary('ReportStatus', req, credential, signal),
    heartbeat: (req, credential, signal) => unary('Heartbeat', req, credential, signal),
    rotateCredential: (req, credential, signal) => unary('RotateCredential', req, credential, signal),
    async *sync(req, credential, signal) {
      const stream = (
        client as unknown as Record<
          string,
          (r: unknown, md: grpc.Metadata) => grpc.ClientReadableStream<WireSyncMessage>
        >
      )['Sync']!.call(client, req, metadataFor(credential));
      const onAbort = () => stream.cancel();
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        // Iterating pulls one message at a time: the stream pauses (HTTP/2 flow control) while we apply.
        for await (const m of stream as AsyncIterable<WireSyncMessage>) yield fromWireSyncMessage(m);
      } catch (err) {
        if (signal.aborted && (err as grpc.ServiceError).code === grpc.status.CANCELLED) return;
        throw err;
      } finally {
        signal.removeEventListener('abort', onAbort);
        stream.cancel();
      }
    },
    close: () => client.close(),
  };
}

/** True for failures that end with a retry (hub down, deadline, stream reset), false when retrying cannot help by itself. */
export function isRetryable(err: unknown): boolean {
  const code = (err as Partial<grpc.ServiceError> | undefined)?.code;
  return !(
    code === grpc.status.UNAUTHENTICATED ||
    code === grpc.status.PERMISSION_DENIED ||
    code === grpc.status.INVALID_ARGUMENT ||
    code === grpc.status.ALREADY_EXISTS
  );
}
