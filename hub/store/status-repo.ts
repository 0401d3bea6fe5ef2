import type { SqliteDatabase } from './open-database.ts';
import type { ComputeErrorRecord, Condition, ObjectStatusRecord } from './records.ts';

interface StatusRow {
  cluster: string;
  key: string;
  source: string;
  status: ObjectStatusRecord['status'];
  message: string;
  revision: number;
  generation: number;
  observed_generation: number;
  replicas: number | null;
  ready_replicas: number | null;
  available_replicas: number | null;
  updated_replicas: number | null;
  health: ObjectStatusRecord['health'];
  conditions: string;
  drift_corrections: number;
  unschedulable_replicas: number;
  unschedulable_since_ms: number;
  updated_at: number;
}

interface ErrorRow {
  cluster: string;
  source: string;
  status: 'ApplyOverridesFailed';
  message: string;
  created_at: number;
}

/** What agents report per object, and what the hub found per cluster while computing. */
export interface StatusRepo {
  get(cluster: string, key: string): ObjectStatusRecord | undefined;
  listBySource(source: string): ObjectStatusRecord[];
  upsert(s: ObjectStatusRecord): void;
  remove(cluster: string, key: string): boolean;
  /** Removes every status and compute error of a cluster (a deleted cluster). */
  deleteCluster(cluster: string): void;
  listComputeErrors(source: string): ComputeErrorRecord[];
  /** Replaces every compute error of `source` with `errors`. */
  replaceComputeErrors(source: string, errors: ComputeErrorRecord[]): void;
}

function fromStatusRow(r: StatusRow): ObjectStatusRecord {
  return {
    cluster: r.cluster,
    key: r.key,
    source: r.source,
    status: r.status,
    message: r.message,
    revision: r.revision,
    generation: r.generation,
    observedGeneration: r.observed_generation,
    replicas: r.replicas,
    readyReplicas: r.ready_replicas,
    availableReplicas: r.available_replicas,
    updatedReplicas: r.updated_replicas,
    health: r.health,
    conditions: JSON.parse(r.conditions) as Condition[],
    driftCorrections: r.drift_corrections,
    unschedulableReplicas: r.unschedulable_replicas,
    unschedulableSinceMs: r.unschedulable_since_ms,
    updatedAt: r.updated_at,
  };
}

export function createStatusRepo(db: SqliteDatabase): StatusRepo {
  const get = db.prepare<[string, string], StatusRow>(
    'SELECT * FROM object_status WHERE cluster = ? AND key = ?',
  );
  const bySource = db.prepare<[string], StatusRow>(
    'SELECT * FROM object_status WHERE source = ? ORDER BY cluster, key',
  );
  const upsert = db.prepare(
    `INSERT INTO object_status (cluster, key, source, status, message, revision, generation, observed_generation,
       replicas, ready_replicas, available_replicas, updated_replicas, health, conditions, drift_corrections,
       unschedulable_replicas, unschedulable_since_ms, updated_at)
     VALUES (@cluster, @key, @source, @status, @message, @revision, @generation, @observedGeneration,
       @replicas, @readyReplicas, @availableReplicas, @updatedReplicas, @health, @conditions, @driftCorrections,
       @unschedulableReplicas, @unschedulableSinceMs, @updatedAt)
     ON CONFLICT (cluster, key) DO UPDATE SET source = excluded.source, status = excluded.status,
       message = excluded.message, revision = excluded.revision, generation = excluded.generation,
       observed_generation = excluded.observed_generation, replicas = excluded.replicas,
       ready_replicas = excluded.ready_replicas, available_replicas = excluded.available_replicas,
       updated_replicas = excluded.updated_replicas, health = excluded.health, conditions = excluded.conditions,
       drift_corrections = excluded.drift_corrections, unschedulable_replicas = excluded.unschedulable_replicas,
       unschedulable_since_ms = excluded.unschedulable_since_ms, updated_at = excluded.updated_at`,
  );
  const remove = db.prepare<[string, string]>('DELETE FROM object_status WHERE cluster = ? AND key = ?');
  const delClusterStatus = db.prepare<[string]>('DELETE FROM object_status WHERE cluster = ?');
  const delClusterErrors = db.prepare<[string]>('DELETE FROM compute_errors WHERE cluster = ?');
  const errors = db.prepare<[string], ErrorRow>(
    'SELECT * FROM compute_errors WHERE source = ? ORDER BY cluster',
  );
  const clearErrors = db.prepare<[string]>('DELETE FROM compute_errors WHERE source = ?');
  const insertError = db.prepare(
    `INSERT INTO compute_errors (cluster, source, status, message, created_at)
     VALUES (@cluster, @source, @status, @message, @createdAt)`,
  );
  return {
    get: (cluster, key) => {
      const r = get.get(cluster, key);
      return r && fromStatusRow(r);
    },
    listBySource: (source) => bySource.all(source).map(fromStatusRow),
    upsert: (s) => {
      upsert.run({ ...s, conditions: JSON.stringify(s.conditions) });
    },
    remove: (cluster, key) => remove.run(cluster, key).changes > 0,
    deleteCluster: (cluster) => {
      delClusterStatus.run(cluster);
      delClusterErrors.run(cluster);
    },
    listComputeErrors: (source) =>
      errors.all(source).map((r) => ({
        cluster: r.cluster,
        source: r.source,
        status: r.status,
        message: r.message,
        createdAt: r.created_at,
      })),
    replaceComputeErrors: (source, list) => {
      clearErrors.run(source);
      for (const e of list) insertError.run(e);
    },
  };
}
