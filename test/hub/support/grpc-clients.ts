/** Promise-returning AgentService and AdminService clients for tests, over real sockets. */
import {
  credentials,
  Metadata,
  type Client,
  type ClientReadableStream,
  type ServiceError,
} from '@grpc/grpc-js';
import { fedhubV1 } from '../../../shared/proto.ts';

type Unary = (req: unknown, md: Metadata, cb: (err: ServiceError | null, res: unknown) => void) => void;

export interface GrpcClient {
  call<T = Record<string, unknown>>(method: string, req: object, credential?: string): Promise<T>;
  stream(method: string, req: object, credential?: string): ClientReadableStream<Record<string, unknown>>;
  close(): void;
}

function metadataFor(credential: string | undefined): Metadata {
  const md = new Metadata();
  if (credential) md.set('authorization', `Bearer ${credential}`);
  return md;
}

/**
 * A client of one service on 127.0.0.1:port: TLS trusting `caPem` (verified as `localhost`), or
 * plaintext without it.
 */
export function grpcClient(
  service: 'AgentService' | 'AdminService',
  port: number,
  opts: { caPem?: string; defaultCredential?: string } = {},
): GrpcClient {
  const Ctor = fedhubV1()[service]!;
  const channel = opts.caPem ? credentials.createSsl(Buffer.from(opts.caPem)) : credentials.createInsecure();
  const client = new Ctor(
    `127.0.0.1:${port}`,
    channel,
    opts.caPem ? { 'grpc.ssl_target_name_override': 'localhost', 'grpc.default_authority': 'localhost' } : {},
  ) as Client & Record<string, unknown>;
  return {
    call: <T>(method: string, req: object, credential?: string) =>
      new Promise<T>((resolve, reject) => {
        (client[method] as Unary).call(
          client,
          req,
          metadataFor(credential ?? opts.defaultCredential),
          (err, res) => (err ? reject(err) : resolve(res as T)),
        );
      }),
    stream: (method, req, credential) =>
      (client[method] as (r: unknown, md: Metadata) => ClientReadableStream<Record<string, unknown>>).call(
        client,
        req,
        metadataFor(credential ?? opts.defaultCredential),
      ),
    close: () => client.close(),
  };
}

/** Collects stream messages and lets a test wait, with a deadline, for one that matches. */
export function collect(stream: ClientReadableStream<Record<string, unknown>>) {
  const messages: Array<Record<string, unknown>> = [];
  let error: ServiceError | undefined;
  stream.on('data', (m: Record<string, unknown>) => messages.push(m));
  stream.on('error', (e: ServiceError) => (error = e));
  return {
    messages,
    error: () => error,
    async until(pred: (msgs: Array<Record<string, unknown>>) => boolean, timeoutMs = 5000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!pred(messages)) {
        if (error) throw error;
        if (Date.now() > deadline)
          throw new Error(`stream condition not met in ${timeoutMs} ms; got ${JSON.stringify(messages)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
}

/** Polls fn until it returns truthy, or throws at the deadline with the last value. */
export async function eventually<T>(fn: () => T | Promise<T>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > deadline)
      throw new Error(`condition not met in ${timeoutMs} ms: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
