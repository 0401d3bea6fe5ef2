import type { Store } from '../store/store.ts';

/**
 * What one write transaction shares: the time, one revision taken lazily (every slice change in
 * the transaction carries it; a transaction that changes no slice takes none) and the clusters
 * whose slice changed, to notify after the commit.
 */
export interface WriteTxn {
  readonly store: Store;
  readonly now: number;
  revision(): number;
  readonly touched: Set<string>;
  /** The revision taken, or undefined when no slice changed. */
  takenRevision(): number | undefined;
}

export function createWriteTxn(store: Store, now: number): WriteTxn {
  let rev: number | undefined;
  return {
    store,
    now,
    revision: () => (rev ??= store.meta.nextRevision()),
    touched: new Set(),
    takenRevision: () => rev,
  };
}
