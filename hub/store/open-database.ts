import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { FAILOVER_MIGRATION } from './failover-repo.ts';
import { MIGRATIONS, type Migration } from './migrations.ts';

/** Every migration the hub applies; failover state has its own number block (10+). */
export const ALL_MIGRATIONS: readonly Migration[] = [...MIGRATIONS, FAILOVER_MIGRATION];

export type SqliteDatabase = Database.Database;

/**
 * Opens (creating when absent) the hub database: WAL, synchronous=FULL so that a committed
 * transaction is on disk before the caller answers, foreign keys on, migrations applied, and
 * the hub identity generated on first start.
 */
export function openDatabase(
  file: string,
  migrations: readonly Migration[] = ALL_MIGRATIONS,
): SqliteDatabase {
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    applyMigrations(db, migrations);
    ensureMeta(db);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

function applyMigrations(db: SqliteDatabase, migrations: readonly Migration[]): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const applied = new Set(
    db
      .prepare<[], { version: number }>('SELECT version FROM schema_migrations')
      .all()
      .map((r) => r.version),
  );
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.version, m.name, Date.now());
    })();
  }
}

function ensureMeta(db: SqliteDatabase): void {
  const insert = db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)');
  db.transaction(() => {
    insert.run('hub_id', randomUUID());
    insert.run('revision', '0');
    insert.run('compacted_revision', '0');
  })();
}
