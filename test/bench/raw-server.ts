/**
 * The fan-out baseline's server process: `raw-server.ts <port> <certFile> <keyFile>`. Streams
 * whatever bytes the parent sends over IPC ({ op: 'broadcast', b64 }) to every connected client,
 * and answers { op: 'count' } with the number of open streams.
 */
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { HELLO, RAW_SERVICE } from './raw-stream.ts';

const [port, certFile, keyFile] = process.argv.slice(2) as [string, string, string];
const streams = new Set<grpc.ServerWritableStream<Buffer, Buffer>>();
const server = new grpc.Server();
server.addService(RAW_SERVICE, {
  Stream: (call: grpc.ServerWritableStream<Buffer, Buffer>) => {
    streams.add(call);
    const drop = () => streams.delete(call);
    call.on('cancelled', drop);
    call.on('close', drop);
    call.on('error', drop);
    call.write(HELLO);
  },
  Ack: (_call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) =>
    cb(null, Buffer.alloc(0)),
});
const creds = grpc.ServerCredentials.createSsl(null, [
  { cert_chain: readFileSync(certFile), private_key: readFileSync(keyFile) },
]);
server.bindAsync(`127.0.0.1:${port}`, creds, (err) => {
  if (err) throw err;
  process.send!({ op: 'ready' });
});
process.on('message', (m: { op: string; b64?: string; id?: number }) => {
  if (m.op === 'broadcast') {
    const bytes = Buffer.from(m.b64!, 'base64');
    for (const s of streams) s.write(bytes);
  }
  process.send!({ id: m.id, count: streams.size });
});
process.on('disconnect', () => process.exit(0));
