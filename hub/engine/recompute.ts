import {
  RSP_KIND,
  isConfigKind,
  clusterInfos,
  reconcileSource,
  sourceOf,
  type ReconcileContext,
} from './reconcile-slices.ts';
import { DEFAULT_FAILOVER_SETTINGS } from './rollout-context.ts';
import { loadRegistry } from './type-registry.ts';
import type { WriteDeps } from './write-deps.ts';
import type { WriteTxn } from './write-txn.ts';

export interface SourceRef {
  kind: string;
  namespace: string;
  name: string;
}

function context(deps: WriteDeps, txn: WriteTxn): ReconcileContext {
  return {
    txn,
    registry: loadRegistry(txn.store),
    clusters: clusterInfos(txn),
    log: deps.log,
    failover: deps.failover ?? DEFAULT_FAILOVER_SETTINGS,
  };
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

/**
 * After a change of one cluster: a new cluster or new labels (`labels`) move placement in that
 * cluster only, except where an RSP plans across clusters; readiness (`readiness`) matters only to
 * replica planning, so only RSP-driven resources are recomputed.
 */
export function recomputeForCluster(
  deps: WriteDeps,
  txn: WriteTxn,
  cluster: string,
  change: 'labels' | 'readiness',
): number {
  const planned = new Set(
    txn.store.resources
      .list({ kind: RSP_KIND })
      .map(
        (r) =>
          `${String((r.body['spec'] as { targetKind?: unknown } | undefined)?.targetKind)}/${r.namespace}/${r.name}`,
      ),
  );
  // Without an RSP, readiness moves nothing: skip reading every resource and cluster.
  if (change === 'readiness' && planned.size === 0) return 0;
  // The context reads every cluster: built only once a resource needs it (not for an empty hub).
  let ctx: ReconcileContext | undefined;
  const ctxNow = () => (ctx ??= context(deps, txn));
  let writes = 0;
  for (const r of txn.store.resources.list()) {
    if (isConfigKind(r.kind)) continue;
    const source = sourceOf(r);
    if (planned.has(source)) writes += reconcileSource(ctxNow(), source, r);
    else if (change === 'labels') writes += reconcileSource(ctxNow(), source, r, cluster);
  }
  return writes;
}
