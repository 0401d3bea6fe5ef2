import {
  isConfigKind,
  clusterInfos,
  reconcileSource,
  sourceOf,
  type ReconcileContext,
} from './reconcile-slices.ts';
import { loadRegistry } from './type-registry.ts';
import type { WriteDeps } from './write-deps.ts';
import type { WriteTxn } from './write-txn.ts';

export interface SourceRef {
  kind: string;
  namespace: string;
  name: string;
}

function context(deps: WriteDeps, txn: WriteTxn): ReconcileContext {
  return { txn, registry: loadRegistry(txn.store), clusters: clusterInfos(txn), log: deps.log };
}

/**
 * Recomputes the member objects of the named federated resources (each once), reading them as
 * they are now inside the transaction: a resource no longer stored has all its objects tombstoned.
 */
export function recomputeSources(deps: WriteDeps, txn: WriteTxn, refs: SourceRef[]): number {
  const unique = new Map<string, SourceRef>();
  for (const r of refs) if (!isConfigKind(r.kind)) unique.set(sourceOf(r), r);
  if (unique.size === 0) return 0;
  const ctx = context(deps, txn);
  let writes = 0;
  for (const [source, ref] of unique) {
    writes += reconcileSource(ctx, source, txn.store.resources.get(ref.kind, ref.namespace, ref.name));
  }
  return writes;
}

/** Recomputes every federated resource: after a change to the set of clusters or their labels/readiness. */
export function recomputeAll(deps: WriteDeps, txn: WriteTxn): number {
  const ctx = context(deps, txn);
  let writes = 0;
  for (const r of txn.store.resources.list()) {
    if (!isConfigKind(r.kind)) writes += reconcileSource(ctx, sourceOf(r), r);
  }
  return writes;
}
