import type { Logger } from '../../shared/logger.ts';
import { toSourceKey } from '../../shared/object-key.ts';
import type { ClusterInfo, StoredResource } from '../core/model.ts';
import type { ComputeErrorRecord, SliceHead, SliceRow } from '../store/records.ts';
import { canonicalJson, computeMemberObjects, type TypeRegistry } from './core-port.ts';
import { rolloutContext, type FailoverSettings } from './rollout-context.ts';
import { sha256Hex } from './secrets.ts';
import type { WriteTxn } from './write-txn.ts';

export const RSP_KIND = 'ReplicaSchedulingPreference';
export const TYPE_CONFIG_KIND = 'FederatedTypeConfig';

/** True for kinds that configure the hub rather than propagate to members. */
export function isConfigKind(kind: string): boolean {
  return kind === RSP_KIND || kind === TYPE_CONFIG_KIND;
}

export function sourceOf(r: Pick<StoredResource, 'kind' | 'namespace' | 'name'>): string {
  return toSourceKey(r.kind, r.namespace, r.name);
}

/** Clusters as the core sees them. */
export function clusterInfos(txn: WriteTxn): ClusterInfo[] {
  return txn.store.clusters.list().map((c) => ({ name: c.name, labels: c.labels, ready: c.ready }));
}

/** The RSP driving `resource`, when one with the same namespace/name targets its kind. */
function rspFor(txn: WriteTxn, resource: StoredResource): StoredResource | undefined {
  const rsp = txn.store.resources.get(RSP_KIND, resource.namespace, resource.name);
  const spec = rsp?.body['spec'] as { targetKind?: unknown } | undefined;
  return rsp && spec?.targetKind === resource.kind ? rsp : undefined;
}

/** Replicas last sent to each cluster, read from the live slice rows at the kind's replicas path. */
function previousReplicas(rows: SliceRow[], replicasPath: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (!replicasPath) return out;
  const steps = replicasPath.split('/').slice(1);
  for (const row of rows) {
    if (row.deleted || row.manifest === null) continue;
    let v: unknown = JSON.parse(row.manifest);
    for (const s of steps)
      v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[s] : undefined;
    if (typeof v === 'number') out[row.cluster] = v;
  }
  return out;
}

export interface ReconcileContext {
  txn: WriteTxn;
  registry: TypeRegistry;
  clusters: ClusterInfo[];
  log: Logger;
  failover: FailoverSettings;
}

/**
 * Brings the slice rows of one federated resource in line with what the core computes for it:
 * writes only rows whose content hash changed, tombstones rows no longer wanted, and keeps the
 * per-cluster compute errors. `resource` undefined (deleted) or of a kind no longer registered:
 * everything it produced becomes a tombstone. With `onlyCluster`, only that cluster's part is
 * recomputed, unless an RSP makes the clusters depend on each other. Returns the rows written.
 */
export function reconcileSource(
  ctx: ReconcileContext,
  source: string,
  resource: StoredResource | undefined,
  onlyCluster?: string,
): number {
  const { txn, log } = ctx;
  const rsp = resource && rspFor(txn, resource);
  // Without an RSP, one cluster's objects depend on that cluster alone, so a change of one
  // cluster needs only its part recomputed and diffed; with an RSP the plan spans clusters.
  const only = rsp ? undefined : onlyCluster;
  const existing = txn.store.slices.listBySource(source).filter((r) => !only || r.cluster === only);
  const wanted = new Map<string, SliceRow>();
  let errors: ComputeErrorRecord[] = [];
  // A resource whose federated type was unregistered wants nothing any more: its objects go.
  const registration = resource && ctx.registry.byFederatedKind(resource.kind);
  if (resource && registration) {
    let result;
    try {
      // Under an RSP, failover decides which clusters the planner sees and what each is told.
      const rollout = rsp && rolloutContext(txn, ctx.failover, source, resource, rsp, ctx.clusters);
      result = computeMemberObjects(resource, {
        clusters: rollout
          ? rollout.clusters
          : only
            ? ctx.clusters.filter((c) => c.name === only)
            : ctx.clusters,
        registry: ctx.registry,
        ...(rsp && rollout
          ? {
              rsp,
              currentReplicas: rollout.currentReplicas,
              capacity: rollout.capacity,
              assignReplicas: rollout.assignReplicas,
              previousReplicas: previousReplicas(
                txn.store.slices.listFullBySource(source),
                registration.replicasPath,
              ),
            }
          : {}),
      });
      rollout?.commit();
    } catch (err) {
      // A resource the core cannot compute keeps its last slice: never delete on a failure.
      log.error({ err, source }, 'compute failed, slice left unchanged');
      txn.store.events.record({
        at: txn.now,
        type: 'Warning',
        reason: 'ComputeFailed',
        object: source,
        message: String(err),
      });
      return 0;
    }
    for (const o of result.objects) {
      const manifest = canonicalJson(o.manifest);
      wanted.set(`${o.cluster}\u0000${o.key}`, {
        cluster: o.cluster,
        key: o.key,
        source,
        revision: 0,
        deleted: false,
        manifest,
        hash: sha256Hex(manifest),
        changedAt: txn.now,
      });
    }
    errors = result.errors.map((e) => ({ ...e, createdAt: txn.now }));
  }
  let writes = 0;
  const write = (row: SliceHead & { manifest: string | null }): void => {
    txn.store.slices.upsert({ ...row, revision: txn.revision(), changedAt: txn.now });
    txn.touched.add(row.cluster);
    writes++;
  };
  // A cluster whose overrides fail keeps what it has (as kubefed does): an error is not a removal.
  const failed = new Set(errors.map((e) => e.cluster));
  const seen = new Set<string>();
  for (const row of existing) {
    const id = `${row.cluster}\u0000${row.key}`;
    seen.add(id);
    const next = wanted.get(id);
    if (next) {
      if (row.deleted || row.hash !== next.hash) write(next);
    } else if (!row.deleted && !failed.has(row.cluster)) {
      write({ ...row, deleted: true, manifest: null });
    }
  }
  for (const [id, row] of wanted) {
    if (seen.has(id)) continue;
    const other = txn.store.slices.get(row.cluster, row.key);
    if (other && !other.deleted && other.source !== source) {
      // Two federated resources want the same member object: the first keeps it.
      log.warn(
        { source, owner: other.source, cluster: row.cluster, key: row.key },
        'member object owned by another resource',
      );
      txn.store.events.record({
        at: txn.now,
        type: 'Warning',
        reason: 'ObjectConflict',
        object: source,
        message: `${row.key} in ${row.cluster} is already produced by ${other.source}`,
      });
      continue;
    }
    write(row);
  }
  writes += syncComputeErrors(txn, source, errors, only);
  return writes;
}

/** Replaces the compute errors of `source` (of cluster `only` alone, when given) when they differ. */
function syncComputeErrors(
  txn: WriteTxn,
  source: string,
  found: ComputeErrorRecord[],
  only: string | undefined,
): number {
  const before = txn.store.status.listComputeErrors(source);
  const errors = only ? [...before.filter((e) => e.cluster !== only), ...found] : found;
  const sig = (list: ComputeErrorRecord[]) =>
    list
      .map((e) => `${e.cluster}\u0000${e.message}`)
      .sort()
      .join('\n');
  if (sig(before) === sig(errors)) return 0;
  txn.store.status.replaceComputeErrors(source, errors);
  return 1;
}
