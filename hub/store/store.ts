import { createClustersRepo, type ClustersRepo } from './clusters-repo.ts';
import { createEventsRepo, type EventsRepo } from './events-repo.ts';
import { createFailoverRepo, type FailoverRepo } from './failover-repo.ts';
import { createMetaRepo, type MetaRepo } from './meta-repo.ts';
import { openDatabase, type SqliteDatabase } from './open-database.ts';
import { createResourcesRepo, type ResourcesRepo } from './resources-repo.ts';
import { createSlicesRepo, type SlicesRepo } from './slices-repo.ts';
import { createStatusRepo, type StatusRepo } from './status-repo.ts';
import { createTokensRepo, type TokensRepo } from './tokens-repo.ts';

/**
 * The hub's durable state. Repositories hold prepared statements; callers group multi-row
 * changes with `transaction`, which commits (fsynced: synchronous=FULL) before it returns.
 */
export interface Store {
  readonly file: string;
  readonly meta: MetaRepo;
  readonly resources: ResourcesRepo;
  readonly clusters: ClustersRepo;
  readonly tokens: TokensRepo;
  readonly slices: SlicesRepo;
  readonly status: StatusRepo;
  readonly events: EventsRepo;
  readonly failover: FailoverRepo;
  /** Runs fn in one IMMEDIATE transaction; a throw rolls everything back. Nests as a savepoint. */
  transaction<T>(fn: () => T): T;
  /** Rows changed by this connection since it opened (SQLite total_changes()). */
  totalChanges(): number;
  close(): void;
}

export function openStore(file: string): Store {
  const db: SqliteDatabase = openDatabase(file);
  const totalChanges = db.prepare<[], { n: number }>('SELECT total_changes() AS n');
  let closed = false;
  return {
    file,
    meta: createMetaRepo(db),
    resources: createResourcesRepo(db),
    clusters: createClustersRepo(db),
    tokens: createTokensRepo(db),
    slices: createSlicesRepo(db),
    status: createStatusRepo(db),
    events: createEventsRepo(db),
    failover: createFailoverRepo(db),
    transaction: <T>(fn: () => T): T => db.transaction(fn).immediate(),
    totalChanges: () => totalChanges.get()!.n,
    close: () => {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}
