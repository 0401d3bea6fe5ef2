import type { SqliteDatabase } from './open-database.ts';

/** The hub identity and the one revision counter every slice change draws from. */
export interface MetaRepo {
  hubId(): string;
  /** The last revision handed out (0 before the first slice change). */
  revision(): number;
  /** Takes the next revision. Call inside the transaction that uses it. */
  nextRevision(): number;
  /** The lowest revision a delta can still start from; asking for less gets a snapshot. */
  compactedRevision(): number;
  setCompactedRevision(revision: number): void;
}

export function createMetaRepo(db: SqliteDatabase): MetaRepo {
  const get = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
  const set = db.prepare<[string, string]>('UPDATE meta SET value = ? WHERE key = ?');
  const bump = db.prepare<[], { value: string }>(
    "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'revision' RETURNING value",
  );
  const read = (key: string): string => {
    const row = get.get(key);
    if (!row) throw new Error(`meta ${key} missing`);
    return row.value;
  };
  const hubId = read('hub_id');
  return {
    hubId: () => hubId,
    revision: () => Number(read('revision')),
    nextRevision: () => Number(bump.get()!.value),
    compactedRevision: () => Number(read('compacted_revision')),
    setCompactedRevision: (revision) => {
      set.run(String(revision), 'compacted_revision');
    },
  };
}
