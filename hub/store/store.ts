import { createAdminTokensRepo, type AdminTokensRepo } from './admin-tokens-repo.ts';
import { createClustersRepo, type ClustersRepo } from './clusters-repo.ts';
import { createEventsRepo, type EventsRepo } from './events-repo.ts';
import { createFailoverRepo, type FailoverRepo } from './failover-repo.ts';
import { createMetaRepo, type MetaRepo } from './meta-repo.ts';
import { openDatabase, type SqliteDatabase } from './open-database.ts';
import { createResourcesRepo, type ResourcesRepo } from './resources-repo.ts';
import { createSlicesRepo, type SlicesRepo } from './slices-repo.ts';
import { createStatusRepo, type StatusRepo } from './status-repo.ts';
import { resealSecrets } from './reseal-secrets.ts';
import type { Sealer } from './sealer.ts';
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
  readonly adminTokens: AdminTokensRepo;
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

export interface StoreOptions {
  /** Seals Secret data at rest (FederatedSecret bodies, Secret manifests in slices). Default: none. */
  sealer?: Sealer;
}

/**
 * Opens the store. Secret rows are brought in line with `opts.sealer` first (sealed, or resealed
 * with its primary key); a database with sealed rows and no sealer is a ConfigError.
 */
export function openStore(file: string, opts: StoreOptions = {}): Store {
  const db: SqliteDatabase = openDatabase(file);
  try {
    resealSecrets(db, opts.sealer);
  } catch (err) {
    db.close();
    throw err;
  }
  const totalChanges = db.prepare<[], { n: number }>('SELECT total_changes() AS n');
  let closed = false;
  return {
    file,
    meta: createMetaRepo(db),
    resources: createResourcesRepo(db, opts.sealer),
    clusters: createClustersRepo(db),
    tokens: createTokensRepo(db),
    adminTokens: createAdminTokensRepo(db),
    slices: createSlicesRepo(db, opts.sealer),
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
