import type { Labels } from '../core/model.ts';
import type { SqliteDatabase } from './open-database.ts';
import type { ResourceRecord } from './records.ts';
import { isSealed, openSealed, type Sealer } from './sealer.ts';

/** Federated kinds whose body holds Secret data: sealed at rest when the hub has a key. */
export const isSecretKind = (kind: string): boolean => kind === 'FederatedSecret';
export const resourceAad = (kind: string, namespace: string, name: string) =>
  `resources/${kind}/${namespace}/${name}`;

interface Row {
  kind: string;
  namespace: string;
  name: string;
  api_version: string;
  generation: number;
  labels: string;
  body: string;
  hash: string;
  created_at: number;
  updated_at: number;
}

export interface ResourceFilter {
  kind?: string;
  namespace?: string;
}

/** Federated resources, ReplicaSchedulingPreferences and FederatedTypeConfigs as submitted. */
export interface ResourcesRepo {
  get(kind: string, namespace: string, name: string): ResourceRecord | undefined;
  list(filter?: ResourceFilter): ResourceRecord[];
  upsert(record: ResourceRecord): void;
  delete(kind: string, namespace: string, name: string): boolean;
}

function fromRow(r: Row, sealer: Sealer | undefined): ResourceRecord {
  const body = isSealed(r.body)
    ? openSealed(sealer, r.body, resourceAad(r.kind, r.namespace, r.name))
    : r.body;
  return {
    apiVersion: r.api_version,
    kind: r.kind,
    namespace: r.namespace,
    name: r.name,
    generation: r.generation,
    labels: JSON.parse(r.labels) as Labels,
    body: JSON.parse(body) as Record<string, unknown>,
    hash: r.hash,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function createResourcesRepo(db: SqliteDatabase, sealer?: Sealer): ResourcesRepo {
  const read = (r: Row) => fromRow(r, sealer);
  const get = db.prepare<[string, string, string], Row>(
    'SELECT * FROM resources WHERE kind = ? AND namespace = ? AND name = ?',
  );
  const list = db.prepare<{ kind: string | null; namespace: string | null }, Row>(
    `SELECT * FROM resources
     WHERE (@kind IS NULL OR kind = @kind) AND (@namespace IS NULL OR namespace = @namespace)
     ORDER BY kind, namespace, name`,
  );
  const upsert = db.prepare(
    `INSERT INTO resources (kind, namespace, name, api_version, generation, labels, body, hash, created_at, updated_at)
     VALUES (@kind, @namespace, @name, @apiVersion, @generation, @labels, @body, @hash, @createdAt, @updatedAt)
     ON CONFLICT (kind, namespace, name) DO UPDATE SET
       api_version = excluded.api_version, generation = excluded.generation, labels = excluded.labels,
       body = excluded.body, hash = excluded.hash, updated_at = excluded.updated_at`,
  );
  const del = db.prepare<[string, string, string]>(
    'DELETE FROM resources WHERE kind = ? AND namespace = ? AND name = ?',
  );
  return {
    get: (kind, namespace, name) => {
      const row = get.get(kind, namespace, name);
      return row && read(row);
    },
    list: (filter = {}) =>
      list.all({ kind: filter.kind ?? null, namespace: filter.namespace ?? null }).map(read),
    upsert: (r) => {
      upsert.run({
        kind: r.kind,
        namespace: r.namespace,
        name: r.name,
        apiVersion: r.apiVersion,
        generation: r.generation,
        labels: JSON.stringify(r.labels),
        body:
          sealer && isSecretKind(r.kind)
            ? sealer.seal(JSON.stringify(r.body), resourceAad(r.kind, r.namespace, r.name))
            : JSON.stringify(r.body),
        hash: r.hash,
        createdAt: r.createdAt,
        updatedAt: r.updatedAt,
      });
    },
    delete: (kind, namespace, name) => del.run(kind, namespace, name).changes > 0,
  };
}
