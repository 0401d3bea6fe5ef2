/**
 * Section 4, bulk: M simulated clusters connected, then N federated objects placed on all of them
 * submitted over REST in batches; submission throughput, time until every cluster holds (and has
 * acked) all N, then a quiet window in which nothing changes: hub CPU and whether the database or
 * its WAL was written. Baseline: the same N x M member rows inserted into a bare SQLite file with
 * the hub's pragmas (WAL, synchronous=FULL), in the same batches: the storage floor.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { fileState, nowMs, sleep, watchProcess } from './measure.ts';
import { federatedConfigMap, startSimHub } from './sim-hub.ts';
import { AgentPool } from './workers.ts';

const BATCH = 500;

export interface BulkResult {
  objects: number;
  clusters: number;
  memberObjects: number;
  submitMs: number;
  objectsPerS: number;
  submitHubCpuMs: number;
  allSyncedMs: number;
  syncHubCpuMs: number;
  hubRssKiB: number;
  idle: {
    windowMs: number;
    hubCpuMs: number;
    hubCpuPct: number;
    dbBytesChange: number;
    dbModified: boolean;
    walBytesChange: number;
    walModified: boolean;
    heartbeatsExpected: number;
  };
  dbBytes: number;
  walBytes: number;
  baseline: { insertMs: number; rowsPerS: number; dbBytes: number };
}

const value = (i: number) => `object ${i} `.padEnd(128, '.');

export async function runBulk(opts: {
  objects: number;
  clusters: number;
  idleMs: number;
  logDir: string;
}): Promise<BulkResult> {
  const { objects, clusters } = opts;
  const sim = await startSimHub(opts.logDir, ['--max-documents', String(BATCH)]);
  const pool = AgentPool.create(clusters <= 20 ? 1 : 2);
  try {
    const token = await sim.rest.bootstrapToken(clusters);
    const names = Array.from({ length: clusters }, (_, i) => `bulk-${String(i).padStart(4, '0')}`);
    await pool.startAgents(sim.target, token, names, {
      labels: { bench: 'bulk' },
      reportObjects: true,
      timeoutMs: 120_000,
    });
    const batches: string[] = [];
    for (let i = 0; i < objects; i += BATCH) {
      const n = Math.min(BATCH, objects - i);
      batches.push(
        Array.from({ length: n }, (_, j) =>
          federatedConfigMap('bench', `bulk-${i + j}`, { bench: 'bulk' }, value(i + j)),
        ).join('---\n'),
      );
    }
    const w = watchProcess(sim.pid(), 200);
    const t0 = nowMs();
    for (const b of batches) await sim.rest.apply(b);
    const submitMs = nowMs() - t0;
    const submitCpu = w.stop().cpuMs;
    const w2 = watchProcess(sim.pid(), 200);
    const synced = await pool.all<{ lastAckAt: number }>({
      op: 'waitKeys',
      count: objects,
      timeoutMs: 60 * 60_000,
    });
    const allSyncedMs = Math.max(...synced.map((s) => s.lastAckAt)) - t0;
    const sync = w2.stop();
    // Acks and statuses still in flight settle, and every agent's first heartbeat (which records
    // its health once) has arrived: one heartbeat interval plus a margin. Then nothing changes.
    await sleep(6_000);
    const wal = `${sim.dbFile}-wal`;
    const [db0, wal0] = [fileState(sim.dbFile), fileState(wal)];
    const idle = watchProcess(sim.pid(), 500);
    await sleep(opts.idleMs);
    const idleOut = idle.stop();
    const [db1, wal1] = [fileState(sim.dbFile), fileState(wal)];
    const baseline = storageFloor(objects, clusters);
    return {
      objects,
      clusters,
      memberObjects: objects * clusters,
      submitMs,
      objectsPerS: objects / (submitMs / 1000),
      submitHubCpuMs: submitCpu,
      allSyncedMs,
      syncHubCpuMs: sync.cpuMs,
      hubRssKiB: idleOut.endRssKiB,
      idle: {
        windowMs: idleOut.wallMs,
        hubCpuMs: idleOut.cpuMs,
        hubCpuPct: (100 * idleOut.cpuMs) / idleOut.wallMs,
        dbBytesChange: db1.bytes - db0.bytes,
        dbModified: db1.mtimeMs !== db0.mtimeMs,
        walBytesChange: wal1.bytes - wal0.bytes,
        walModified: wal1.mtimeMs !== wal0.mtimeMs,
        // Simulated agents heartbeat at the hub's 5 s interval, as real ones do.
        heartbeatsExpected: Math.round((clusters * idleOut.wallMs) / 5_000),
      },
      dbBytes: db1.bytes,
      walBytes: wal1.bytes,
      baseline,
    };
  } finally {
    await pool.close();
    await sim.close();
  }
}

/** Inserts objects x clusters member rows, batch by batch, into a bare SQLite file with the hub's pragmas. */
function storageFloor(objects: number, clusters: number): BulkResult['baseline'] {
  const dir = mkdtempSync(path.join(tmpdir(), 'fedhub-bench-floor-'));
  const file = path.join(dir, 'floor.db');
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(`CREATE TABLE rows (cluster TEXT NOT NULL, key TEXT NOT NULL, revision INTEGER NOT NULL,
      manifest TEXT NOT NULL, hash TEXT NOT NULL, PRIMARY KEY (cluster, key)) WITHOUT ROWID;
      CREATE INDEX rows_by_revision ON rows (cluster, revision);`);
    const insert = db.prepare('INSERT INTO rows VALUES (?, ?, ?, ?, ?)');
    const t0 = nowMs();
    let revision = 0;
    for (let i = 0; i < objects; i += BATCH) {
      db.transaction(() => {
        for (let j = i; j < Math.min(objects, i + BATCH); j++) {
          const manifest = JSON.stringify({
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: `bulk-${j}`, namespace: 'bench' },
            data: { value: value(j) },
          });
          const hash = createHash('sha256').update(manifest).digest('hex');
          revision++;
          for (let c = 0; c < clusters; c++)
            insert.run(`c${c}`, `/ConfigMap/bench/bulk-${j}`, revision, manifest, hash);
        }
      })();
    }
    const insertMs = nowMs() - t0;
    db.pragma('wal_checkpoint(TRUNCATE)');
    return { insertMs, rowsPerS: (objects * clusters) / (insertMs / 1000), dbBytes: fileState(file).bytes };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function bulkTable(r: BulkResult): [string[], Array<Array<string | number>>] {
  return [
    [
      'objects',
      'clusters',
      'member objs',
      'submit ms',
      'objects/s',
      'all synced ms',
      'floor insert ms',
      'idle cpu %',
      'idle db/wal written',
      'db MiB',
      'hub RSS MiB',
    ],
    [
      [
        r.objects,
        r.clusters,
        r.memberObjects,
        r.submitMs,
        r.objectsPerS,
        r.allSyncedMs,
        r.baseline.insertMs,
        r.idle.hubCpuPct,
        `${r.idle.dbModified ? 'db' : '-'}/${r.idle.walModified ? `wal +${r.idle.walBytesChange} B` : '-'}`,
        (r.dbBytes + r.walBytes) / 2 ** 20,
        r.hubRssKiB / 1024,
      ],
    ],
  ];
}
