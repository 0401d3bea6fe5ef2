import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

/** Directory holding proto/: beside shared/ in the source tree, one level further up from dist/. */
function protoRoot(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, '..', 'proto'), path.resolve(here, '..', '..', 'proto')];
  const found = candidates.find((c) => existsSync(path.join(c, 'fedhub', 'v1', 'agent.proto')));
  if (!found) throw new Error(`fedhub proto files not found in ${candidates.join(' or ')}`);
  return found;
}

const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
};

let cached: grpc.GrpcObject | undefined;

/** The fedhub.v1 package, loaded once. uint64 revisions arrive as JS numbers (safe below 2^53). */
export function loadFedhubProto(): grpc.GrpcObject {
  if (!cached) {
    const root = protoRoot();
    const def = protoLoader.loadSync(['fedhub/v1/agent.proto', 'fedhub/v1/admin.proto'], {
      ...LOADER_OPTIONS,
      includeDirs: [root],
    });
    cached = grpc.loadPackageDefinition(def);
  }
  return cached;
}

export function fedhubV1(): Record<string, grpc.ServiceClientConstructor> {
  const pkg = (loadFedhubProto()['fedhub'] as grpc.GrpcObject)['v1'] as grpc.GrpcObject;
  return pkg as unknown as Record<string, grpc.ServiceClientConstructor>;
}
