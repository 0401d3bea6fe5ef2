/** Shared helpers of the security suites: register clusters over the wire, dump the store. */
import Database from 'better-sqlite3';
import type { GrpcClient } from '../hub/support/grpc-clients.ts';
import type { Engine } from '../../hub/engine/engine.ts';

/** Registers `name` over gRPC with a fresh bootstrap token; returns its credential. */
export async function registerOverWire(engine: Engine, agent: GrpcClient, name: string): Promise<string> {
  const { token } = engine.createBootstrapToken({});
  const res = await agent.call<{ credential: string }>('Register', {
    clusterName: name,
    labels: { env: 'test' },
    facts: { kubernetesVersion: 'v1.36.3', nodeCount: 1 },
    bootstrapToken: token,
  });
  return res.credential;
}

/**
 * Every row of every table of the hub database, as JSON text per table: what "the stored state
 * did not change" compares. Read through a second, read-only connection (WAL lets it see every
 * commit).
 */
export function dumpDatabase(file: string): Record<string, string> {
  const db = new Database(file, { readonly: true });
  try {
    const tables = db
      .prepare<[], { name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .all()
      .map((r) => r.name);
    return Object.fromEntries(
      tables.map((name) => [name, JSON.stringify(db.prepare(`SELECT * FROM "${name}" ORDER BY 1, 2`).all())]),
    );
  } finally {
    db.close();
  }
}

/** A FederatedSecret placed on the named clusters, with one data value and one stringData value. */
export function federatedSecret(
  name: string,
  clusters: string[],
  values: { data: string; stringData: string },
) {
  return `
apiVersion: types.kubefed.io/v1beta1
kind: FederatedSecret
metadata: {name: ${name}, namespace: vault}
spec:
  template:
    type: Opaque
    data: {password: ${Buffer.from(values.data).toString('base64')}}
    stringData: {apiKey: ${JSON.stringify(values.stringData)}}
  placement: {clusters: [${clusters.map((c) => `{name: ${c}}`).join(', ')}]}
  overrides:
  - clusterName: ${clusters[0]}
    clusterOverrides:
    - {path: /stringData/apiKey, value: ${JSON.stringify(values.stringData + '-override')}}
`;
}
