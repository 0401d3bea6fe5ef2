/**
 * The fan-out baseline's wire: a bare grpc-js service that streams opaque bytes (Stream) and takes
 * an opaque ack (Ack), with no protobuf, database or authentication in between.
 */
import * as grpc from '@grpc/grpc-js';
import { computeBackoffMs, DEFAULT_BACKOFF } from '../../agent/core/backoff.ts';
import { CHANNEL_OPTIONS, type Target } from './sim-agent.ts';
import { nowMs } from './measure.ts';

const bytes = (b: Buffer) => b;
const method = (name: string, responseStream: boolean): grpc.MethodDefinition<Buffer, Buffer> => ({
  path: `/fedhub.bench.Raw/${name}`,
  requestStream: false,
  responseStream,
  requestSerialize: bytes,
  requestDeserialize: bytes,
  responseSerialize: bytes,
  responseDeserialize: bytes,
});

export const RAW_SERVICE = { Stream: method('Stream', true), Ack: method('Ack', false) };

/** A first, one-byte message: tells a client its stream is up. */
export const HELLO = Buffer.from([0]);

/** One client of the raw service: acks every message but the hello, reconnects with the agent's backoff. */
export class RawClient {
  private readonly client: grpc.Client & Record<string, unknown>;
  private stream: grpc.ClientReadableStream<Buffer> | undefined;
  private stopped = false;
  private failures = 0;
  received = 0;
  ackAt = 0;
  recvAt = 0;
  acks = 0;
  streamsOpened = 0;
  hellosOnStream = 0;

  constructor(target: Target) {
    const Ctor = grpc.makeGenericClientConstructor(RAW_SERVICE, 'Raw');
    this.client = new Ctor(
      target.address,
      grpc.credentials.createSsl(Buffer.from(target.caPem)),
      CHANNEL_OPTIONS,
    ) as grpc.Client & Record<string, unknown>;
  }

  start(): void {
    const stream = (this.client['Stream'] as (r: Buffer) => grpc.ClientReadableStream<Buffer>).call(
      this.client,
      Buffer.alloc(0),
    );
    this.stream = stream;
    this.streamsOpened++;
    this.hellosOnStream = 0;
    stream.on('data', (b: Buffer) => {
      this.failures = 0;
      if (b.length === 1 && b[0] === 0) {
        this.hellosOnStream++;
        return;
      }
      this.received++;
      this.recvAt = nowMs();
      (this.client['Ack'] as (r: Buffer, cb: (e: unknown) => void) => void).call(
        this.client,
        Buffer.alloc(8),
        (e) => {
          if (e) return;
          this.acks++;
          this.ackAt = nowMs();
        },
      );
    });
    const again = () => {
      if (this.stopped || this.stream !== stream) return;
      this.stream = undefined;
      setTimeout(
        () => !this.stopped && this.start(),
        computeBackoffMs(this.failures++, DEFAULT_BACKOFF, Math.random),
      );
    };
    stream.on('error', again);
    stream.on('end', again);
  }

  stop(): void {
    this.stopped = true;
    this.stream?.cancel();
    this.client.close();
  }
}
