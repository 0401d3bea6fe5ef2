import type { SqliteDatabase } from './open-database.ts';
import type { SliceHead, SliceRow } from './records.ts';
import { isSealed, openSealed, type Sealer } from './sealer.ts';

/** Slice rows whose manifest is a Secret: sealed at rest when the hub has a key. */
export const isSecretKey = (key: string): boolean => key.startsWith('core/Secret/');
export const sliceAad = (cluster: string, key: string) => `slice_objects/${cluster}/${key}`;

interface Row {
  cluster: string;
  key: string;
  source: string;
  revision: number;
  deleted: number;
  manifest: string | null;
  hash: string;
  changed_at: number;
}

/** Each cluster's desired objects and tombstones, each stamped with the revision that changed it. */
export interface SlicesRepo {
  get(cluster: string, key: string): SliceRow | undefined;
  /** Every row (live and tombstone) produced by one federated resource, without manifests: for diffing. */
  listBySource(source: string): SliceHead[];
  /** The same rows with their manifests. */
  listFullBySource(source: string): SliceRow[];
  /** The live objects of a cluster, in key order: a snapshot. */
  listLive(cluster: string): SliceRow[];
  /** The newest revision in a cluster's slice (0 when it has none). */
  latestRevision(cluster: string): number;
  /** Rows of a cluster changed after `revision`, in revision order: a delta. */
  listSince(cluster: string, revision: number): SliceRow[];
  upsert(row: SliceRow): void;
  /** Removes tombstones changed before `before`; returns how many and the highest revision removed. */
  pruneTombstones(before: number): { pruned: number; maxRevision: number };
  /** Removes every row of a cluster (a deleted cluster); returns how many. */
  deleteCluster(cluster: string): number;
}

export function createSlicesRepo(db: SqliteDatabase, sealer?: Sealer): SlicesRepo {
  const fromRow = (r: Row): SliceRow => ({
    cluster: r.cluster,
    key: r.key,
    source: r.source,
    revision: r.revision,
    deleted: r.deleted === 1,
    manifest:
      r.manifest !== null && isSealed(r.manifest)
        ? openSealed(sealer, r.manifest, sliceAad(r.cluster, r.key))
        : r.manifest,
    hash: r.hash,
    changedAt: r.changed_at,
  });
  const toStored = (row: SliceRow): string | null =>
    row.manifest !== null && sealer && isSecretKey(row.key)
      ? sealer.seal(row.manifest, sliceAad(row.cluster, row.key))
      : row.manifest;
  return createRepo(db, fromRow, toStored);
}

function createRepo(
  db: SqliteDatabase,
  fromRow: (r: Row) => SliceRow,
  toStored: (row: SliceRow) => string | null,
): SlicesRepo {
  const get = db.prepare<[string, string], Row>('SELECT * FROM slice_objects WHERE cluster = ? AND key = ?');
  const bySource = db.prepare<[string], Omit<Row, 'manifest'>>(
    `SELECT cluster, key, source, revision, deleted, hash, changed_at FROM slice_objects
     WHERE source = ? ORDER BY cluster, key`,
  );
  const fullBySource = db.prepare<[string], Row>(
    'SELECT * FROM slice_objects WHERE source = ? ORDER BY cluster, key',
  );
  const live = db.prepare<[string], Row>(
    'SELECT * FROM slice_objects WHERE cluster = ? AND deleted = 0 ORDER BY key',
  );
  const since = db.prepare<[string, number], Row>(
    'SELECT * FROM slice_objects WHERE cluster = ? AND revision > ? ORDER BY revision, key',
  );
  const upsert = db.prepare(
    `INSERT INTO slice_objects (cluster, key, source, revision, deleted, manifest, hash, changed_at)
     VALUES (@cluster, @key, @source, @revision, @deleted, @manifest, @hash, @changedAt)
     ON CONFLICT (cluster, key) DO UPDATE SET source = excluded.source, revision = excluded.revision,
       deleted = excluded.deleted, manifest = excluded.manifest, hash = excluded.hash,
       changed_at = excluded.changed_at`,
  );
  const latest = db.prepare<[string], { n: number | null }>(
    'SELECT max(revision) AS n FROM slice_objects WHERE cluster = ?',
  );
  const maxTombstone = db.prepare<[number], { n: number; maxRevision: number | null }>(
    'SELECT count(*) AS n, max(revision) AS maxRevision FROM slice_objects WHERE deleted = 1 AND changed_at < ?',
  );
  const prune = db.prepare<[number]>('DELETE FROM slice_objects WHERE deleted = 1 AND changed_at < ?');
  const delCluster = db.prepare<[string]>('DELETE FROM slice_objects WHERE cluster = ?');
  return {
    deleteCluster: (cluster) => delCluster.run(cluster).changes,
    get: (cluster, key) => {
      const r = get.get(cluster, key);
      return r && fromRow(r);
    },
    listBySource: (source) =>
      bySource.all(source).map((r) => ({
        cluster: r.cluster,
        key: r.key,
        source: r.source,
        revision: r.revision,
        deleted: r.deleted === 1,
        hash: r.hash,
        changedAt: r.changed_at,
      })),
    listFullBySource: (source) => fullBySource.all(source).map(fromRow),
    listLive: (cluster) => live.all(cluster).map(fromRow),
    latestRevision: (cluster) => latest.get(cluster)?.n ?? 0,
    listSince: (cluster, revision) => since.all(cluster, revision).map(fromRow),
    upsert: (row) => {
      upsert.run({ ...row, manifest: toStored(row), deleted: row.deleted ? 1 : 0 });
    },
    pruneTombstones: (before) => {
      const { n, maxRevision } = maxTombstone.get(before)!;
      if (n === 0) return { pruned: 0, maxRevision: 0 };
      prune.run(before);
      return { pruned: n, maxRevision: maxRevision ?? 0 };
    },
  };
}
