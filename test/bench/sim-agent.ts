/**
 * A simulated agent for the benchmarks: the real protocol and credentials (Register with a
 * bootstrap token, the Sync stream over TLS, ReportStatus with applied_revision as the ack,
 * heartbeats at the hub's interval), but no Kubernetes behind it: a received slice counts as
 * applied the moment its last chunk arrives.
 */
import * as grpc from '@grpc/grpc-js';
import { computeBackoffMs, DEFAULT_BACKOFF } from '../../agent/core/backoff.ts';
import { fedhubV1 } from '../../shared/proto.ts';
import { nowMs } from './measure.ts';

const FACTS = { agentVersion: 'bench', kubernetesVersion: 'v0', nodeCount: 1 };

type Obj = Record<string, unknown>;
type Unary = (req: unknown, md: grpc.Metadata, cb: (err: grpc.ServiceError | null, res: Obj) => void) => void;

export interface Target {
  address: string;
  caPem: string;
}

/** Channel options: TLS verified as localhost, and a connection of its own (as separate agents have). */
export const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.ssl_target_name_override': 'localhost',
  'grpc.default_authority': 'localhost',
  'grpc.use_local_subchannel_pool': 1,
  'grpc.max_receive_message_length': 64 << 20,
};

export interface SimAgentOptions extends Target {
  name: string;
  labels: Record<string, string>;
  bootstrapToken: string;
  /** Report an Ok status per received object (as a real agent does), not only the revision. */
  reportObjects: boolean;
}

export class SimAgent {
  readonly name: string;
  private readonly client: grpc.Client & Record<string, unknown>;
  private credential = '';
  private hubId = '';
  private heartbeatMs = 5_000;
  private heartbeat: NodeJS.Timeout | undefined;
  private stream: grpc.ClientReadableStream<Obj> | undefined;
  private stopped = false;
  private failures = 0;
  private acks: Promise<void> = Promise.resolve();
  private pending: Obj[] = [];
  /** Keys of live objects in the agent's desired set. */
  readonly keys = new Set<string>();
  acked = 0;
  ackAt = 0;
  /** When the last complete message arrived (before its ack is sent). */
  recvAt = 0;
  snapshots = 0;
  deltas = 0;
  streamsOpened = 0;
  /** Acks on the current stream (0: the stream has not delivered its first message yet). */
  acksOnStream = 0;
  lastError = '';
  /** The last complete message, re-serialized: the bytes a raw baseline sends. */
  lastMessageBytes: Buffer | undefined;

  constructor(private readonly opts: SimAgentOptions) {
    this.name = opts.name;
    const Ctor = fedhubV1()['AgentService']!;
    this.client = new Ctor(
      opts.address,
      grpc.credentials.createSsl(Buffer.from(opts.caPem)),
      CHANNEL_OPTIONS,
    ) as grpc.Client & Record<string, unknown>;
  }

  private call(method: string, req: object, credential = this.credential): Promise<Obj> {
    const md = new grpc.Metadata();
    if (credential) md.set('authorization', `Bearer ${credential}`);
    return new Promise((resolve, reject) =>
      (this.client[method] as Unary).call(this.client, req, md, (err, res) =>
        err ? reject(err) : resolve(res),
      ),
    );
  }

  async register(): Promise<void> {
    const res = await this.call(
      'Register',
      {
        clusterName: this.name,
        labels: this.opts.labels,
        facts: FACTS,
        bootstrapToken: this.opts.bootstrapToken,
      },
      '',
    );
    this.credential = String(res['credential']);
    this.hubId = String(res['hubId']);
    this.heartbeatMs = Number(res['heartbeatIntervalMs']) || 5_000;
  }

  /** Opens the Sync stream (reconnecting with the agent's backoff until stopped) and starts heartbeats. */
  start(): void {
    this.openStream();
    const beat = () => {
      if (this.stopped) return;
      this.call('Heartbeat', {
        clusterName: this.name,
        health: 'Healthy',
        // Like the real agent: the same facts as at registration, so an unchanged heartbeat writes nothing.
        facts: FACTS,
        appliedRevision: this.acked,
        sentAtMs: Date.now(),
      }).catch(() => {});
      this.heartbeat = setTimeout(beat, this.heartbeatMs);
    };
    // Spread the first beats so a thousand agents do not beat in step.
    this.heartbeat = setTimeout(beat, Math.random() * this.heartbeatMs);
  }

  private openStream(): void {
    const md = new grpc.Metadata();
    md.set('authorization', `Bearer ${this.credential}`);
    const stream = (
      this.client['Sync'] as (r: unknown, m: grpc.Metadata) => grpc.ClientReadableStream<Obj>
    ).call(this.client, { clusterName: this.name, sinceRevision: this.acked, hubId: this.hubId }, md);
    this.stream = stream;
    this.streamsOpened++;
    this.acksOnStream = 0;
    this.pending = [];
    stream.on('data', (m: Obj) => this.onMessage(m));
    stream.on('error', (err: grpc.ServiceError) => {
      this.lastError = `${err.code}: ${err.details}`;
      this.reconnect(stream);
    });
    stream.on('end', () => this.reconnect(stream));
  }

  private reconnect(stream: grpc.ClientReadableStream<Obj>): void {
    if (this.stopped || this.stream !== stream) return;
    this.stream = undefined;
    const ms = computeBackoffMs(this.failures++, DEFAULT_BACKOFF, Math.random);
    setTimeout(() => {
      if (!this.stopped) this.openStream();
    }, ms);
  }

  private onMessage(m: Obj): void {
    const kind = String(m['kind']);
    const objects = (m['objects'] ?? []) as Obj[];
    if (kind === 'SNAPSHOT' && this.pending.length === 0) this.snapshots++;
    if (kind === 'DELTA' && this.pending.length === 0) this.deltas++;
    this.pending.push(m);
    if (!m['complete']) return;
    const chunks = this.pending;
    this.pending = [];
    this.recvAt = nowMs();
    if (kind === 'SNAPSHOT') this.keys.clear();
    const statuses: Obj[] = [];
    const removed: string[] = [];
    for (const c of chunks) {
      for (const o of (c['objects'] ?? []) as Obj[]) {
        const key = String(o['key']);
        if (o['deleted']) {
          this.keys.delete(key);
          removed.push(key);
        } else {
          this.keys.add(key);
          statuses.push({ key, status: 'Ok', revision: o['revision'], health: 'Healthy', generation: 1 });
        }
      }
    }
    if (objects.length > 0 && chunks.length === 1) {
      const ser = (this.client.constructor as unknown as grpc.ServiceClientConstructor).service['Sync']!;
      this.lastMessageBytes = ser.responseSerialize(m) as Buffer;
    }
    const revision = Number(m['revision']);
    this.failures = 0;
    this.acks = this.acks.then(async () => {
      try {
        await this.call('ReportStatus', {
          clusterName: this.name,
          appliedRevision: revision,
          objects: this.opts.reportObjects ? statuses : [],
          removed: this.opts.reportObjects ? removed : [],
        });
        this.acked = revision;
        this.ackAt = nowMs();
        this.acksOnStream++;
      } catch (err) {
        this.lastError = `ack: ${(err as Error).message}`;
      }
    });
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.heartbeat);
    this.stream?.cancel();
    this.client.close();
  }
}
