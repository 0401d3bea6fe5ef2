import type { Logger } from '../../shared/logger.ts';
import type { Store } from '../store/store.ts';
import type { ChangeFeed } from './change-feed.ts';
import type { Clock } from './clock.ts';
import type { FailoverSettings } from './rollout-context.ts';
import { createWriteTxn, type WriteTxn } from './write-txn.ts';

export interface SubmissionLimits {
  maxDocumentBytes: number;
  maxDocuments: number;
}

/** What the engine tells metrics as it writes; every method is optional to implement. */
export interface EngineObserver {
  /** A cluster reported a slice change applied, `seconds` after it was committed. */
  propagated(seconds: number, cluster: string): void;
  /** A cluster reported an object failing with a per-cluster status. */
  applyFailed(cluster: string, status: string): void;
  event(e: { reason: string; object: string; type: string }): void;
}

/** What every write needs; one object, passed as is. */
export interface WriteDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  feed: ChangeFeed;
  limits: SubmissionLimits;
  heartbeatIntervalMs: number;
  bootstrapTokenTtlMs: number;
  bootstrapTokenMaxUses: number;
  /** Failover timings (default DEFAULT_FAILOVER_SETTINGS). */
  failover?: FailoverSettings;
  /** Metrics hooks (default none). */
  observer?: EngineObserver;
}

/**
 * The one way the hub writes: fn runs in one IMMEDIATE transaction (a throw rolls all of it
 * back), and only after the commit are the Sync streams of the touched clusters told.
 */
export function runWrite<T>(deps: WriteDeps, fn: (txn: WriteTxn) => T): T {
  let txn: WriteTxn | undefined;
  const out = deps.store.transaction(() => {
    txn = createWriteTxn(deps.store, deps.clock.now());
    return fn(txn);
  });
  const revision = txn!.takenRevision();
  if (revision !== undefined && txn!.touched.size > 0) deps.feed.notify(txn!.touched, revision);
  return out;
}
