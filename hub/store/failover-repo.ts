import { AVAILABILITIES, type Availability, type ClusterHealthState } from '../failover/cluster-health.ts';
import type { RolloutState } from '../failover/rollout.ts';
import type { Migration } from './migrations.ts';
import type { SqliteDatabase } from './open-database.ts';

/** The failover state machine's durable part: written on transitions only, never per heartbeat. */
export const FAILOVER_MIGRATION: Migration = {
  version: 10,
  name: 'cluster health and workload rollouts',
  sql: `
CREATE TABLE cluster_health (
  cluster             TEXT PRIMARY KEY,
  availability        TEXT NOT NULL CHECK (availability IN (${AVAILABILITIES.map((a) => `'${a}'`).join(',')})),
  state               TEXT NOT NULL CHECK (json_valid(state)),
  last_failed_over_at INTEGER,
  updated_at          INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE workload_rollouts (
  source               TEXT PRIMARY KEY,
  state                TEXT NOT NULL CHECK (json_valid(state)),
  failback_approved_at INTEGER,
  updated_at           INTEGER NOT NULL
) WITHOUT ROWID;
`,
};

export interface ClusterHealthRecord {
  cluster: string;
  state: ClusterHealthState;
  lastFailedOverAt: number | null;
}

/**
 * A workload's rollout: what each cluster was last told, the make-before-break phase, and the
 * plan from before a failover (so a returning cluster gets its share back even with
 * rebalance: false, where kubefed left it at 0).
 */
export interface WorkloadRolloutState extends RolloutState {
  /** True while a failover is in effect (some placed cluster frozen). */
  degraded: boolean;
  /** The last plan made with every placed cluster available. */
  baseline: Record<string, number>;
}

export interface WorkloadRolloutRecord {
  source: string;
  state: WorkloadRolloutState;
  failbackApprovedAt: number | null;
}

export interface FailoverRepo {
  listHealth(): ClusterHealthRecord[];
  putHealth(r: ClusterHealthRecord, at: number): void;
  deleteHealth(cluster: string): void;
  getRollout(source: string): WorkloadRolloutRecord | undefined;
  listRollouts(): WorkloadRolloutRecord[];
  /** Sources whose rollout waits for replicas to become ready (to re-check readiness and timeouts). */
  listWaitingRollouts(): string[];
  putRollout(r: WorkloadRolloutRecord, at: number): void;
  deleteRollout(source: string): void;
}

interface HealthRow {
  cluster: string;
  availability: Availability;
  state: string;
  last_failed_over_at: number | null;
}
interface RolloutRow {
  source: string;
  state: string;
  failback_approved_at: number | null;
}

export function createFailoverRepo(db: SqliteDatabase): FailoverRepo {
  const listHealth = db.prepare<[], HealthRow>('SELECT * FROM cluster_health ORDER BY cluster');
  const putHealth = db.prepare(
    `INSERT INTO cluster_health (cluster, availability, state, last_failed_over_at, updated_at)
     VALUES (@cluster, @availability, @state, @lastFailedOverAt, @at)
     ON CONFLICT (cluster) DO UPDATE SET availability = excluded.availability, state = excluded.state,
       last_failed_over_at = excluded.last_failed_over_at, updated_at = excluded.updated_at`,
  );
  const deleteHealth = db.prepare<[string]>('DELETE FROM cluster_health WHERE cluster = ?');
  const getRollout = db.prepare<[string], RolloutRow>('SELECT * FROM workload_rollouts WHERE source = ?');
  const listRollouts = db.prepare<[], RolloutRow>('SELECT * FROM workload_rollouts ORDER BY source');
  const putRollout = db.prepare(
    `INSERT INTO workload_rollouts (source, state, failback_approved_at, updated_at)
     VALUES (@source, @state, @failbackApprovedAt, @at)
     ON CONFLICT (source) DO UPDATE SET state = excluded.state,
       failback_approved_at = excluded.failback_approved_at, updated_at = excluded.updated_at`,
  );
  const deleteRollout = db.prepare<[string]>('DELETE FROM workload_rollouts WHERE source = ?');
  const listWaiting = db
    .prepare<[], { source: string }>(
      `SELECT source FROM workload_rollouts WHERE json_extract(state, '$.phase.kind') = 'ScalingUp' ORDER BY source`,
    )
    .pluck();
  const toRollout = (r: RolloutRow): WorkloadRolloutRecord => ({
    source: r.source,
    state: JSON.parse(r.state) as WorkloadRolloutState,
    failbackApprovedAt: r.failback_approved_at,
  });
  return {
    listHealth: () =>
      listHealth.all().map((r) => ({
        cluster: r.cluster,
        state: JSON.parse(r.state) as ClusterHealthState,
        lastFailedOverAt: r.last_failed_over_at,
      })),
    putHealth: (r, at) => {
      putHealth.run({
        cluster: r.cluster,
        availability: r.state.availability,
        state: JSON.stringify(r.state),
        lastFailedOverAt: r.lastFailedOverAt,
        at,
      });
    },
    deleteHealth: (cluster) => {
      deleteHealth.run(cluster);
    },
    getRollout: (source) => {
      const r = getRollout.get(source);
      return r && toRollout(r);
    },
    listRollouts: () => listRollouts.all().map(toRollout),
    listWaitingRollouts: () => listWaiting.all() as unknown as string[],
    putRollout: (r, at) => {
      putRollout.run({
        source: r.source,
        state: JSON.stringify(r.state),
        failbackApprovedAt: r.failbackApprovedAt,
        at,
      });
    },
    deleteRollout: (source) => {
      deleteRollout.run(source);
    },
  };
}
