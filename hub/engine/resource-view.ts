import type { PerClusterStatus } from '../../shared/vocabulary.ts';
import type { ResourceRecord } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import { aggregateStatus } from './core-port.ts';
import { isConfigKind, sourceOf } from './reconcile-slices.ts';

/** One member object's line in a federated resource's status (the detail under each cluster's line). */
export interface ClusterStatusView {
  cluster: string;
  status: PerClusterStatus;
  message: string;
  key?: string;
  /** Revision the hub wants in the cluster, and the one the agent last reported on. */
  desiredRevision?: number;
  reportedRevision?: number;
  observedGeneration?: number;
  replicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  updatedReplicas?: number;
  health?: string;
  driftCorrections?: number;
}

/**
 * Per-cluster statuses of a federated resource: each placed cluster's latest agent report when it
 * describes the current desired revision, else Pending (or ClusterNotReady while the cluster is not
 * ready); removed objects the agent still reports are WaitingForRemoval; compute failures are
 * ApplyOverridesFailed.
 */
export function computeClusterStatuses(store: Store, r: ResourceRecord): ClusterStatusView[] {
  const source = sourceOf(r);
  const statuses = new Map(store.status.listBySource(source).map((s) => [`${s.cluster}\u0000${s.key}`, s]));
  const ready = new Map(store.clusters.list().map((c) => [c.name, c.ready]));
  // Ready condition from the health state machine: a cluster we cannot hear from, or whose agent
  // says it is unhealthy, shows ClusterNotReady whatever it reported last.
  const notReady = new Map(
    store.failover
      .listHealth()
      .filter((h) => h.state.ready !== 'True')
      .map((h) => [h.cluster, `cluster not ready (${h.state.reason}): ${h.state.message}`]),
  );
  const out: ClusterStatusView[] = [];
  for (const row of store.slices.listBySource(source)) {
    const s = statuses.get(`${row.cluster}\u0000${row.key}`);
    if (row.deleted) {
      if (s)
        out.push({
          cluster: row.cluster,
          key: row.key,
          status: s.status === 'DeletionFailed' ? s.status : 'WaitingForRemoval',
          message: s.message,
          desiredRevision: row.revision,
          reportedRevision: s.revision,
        });
      continue;
    }
    const current = s !== undefined && s.revision >= row.revision;
    const unready = notReady.get(row.cluster);
    const base: ClusterStatusView = {
      cluster: row.cluster,
      key: row.key,
      status: unready
        ? 'ClusterNotReady'
        : current
          ? s.status
          : ready.get(row.cluster) === false
            ? 'ClusterNotReady'
            : 'Pending',
      message: unready ?? (current ? s.message : ''),
      desiredRevision: row.revision,
    };
    if (s && !unready) {
      base.reportedRevision = s.revision;
      base.observedGeneration = s.observedGeneration;
      if (s.replicas !== null) base.replicas = s.replicas;
      if (s.readyReplicas !== null) base.readyReplicas = s.readyReplicas;
      if (s.availableReplicas !== null) base.availableReplicas = s.availableReplicas;
      if (s.updatedReplicas !== null) base.updatedReplicas = s.updatedReplicas;
      base.health = s.health;
      base.driftCorrections = s.driftCorrections;
    }
    out.push(base);
  }
  for (const e of store.status.listComputeErrors(source)) {
    out.push({ cluster: e.cluster, status: e.status, message: e.message });
  }
  return out.sort((a, b) => a.cluster.localeCompare(b.cluster) || (a.key ?? '').localeCompare(b.key ?? ''));
}

/**
 * The stored object as a user reads it: its body, hub-set metadata, and for federated kinds a
 * status: the Propagation condition, one line per cluster (its worst object), replica sums over
 * the clusters (workloads), and the per-object detail.
 */
export function toResourceView(store: Store, r: ResourceRecord): Record<string, unknown> {
  const metadata = {
    ...((r.body['metadata'] as Record<string, unknown> | undefined) ?? {}),
    generation: r.generation,
    creationTimestamp: new Date(r.createdAt).toISOString(),
  };
  const view: Record<string, unknown> = { ...r.body, metadata };
  if (!isConfigKind(r.kind)) {
    const objects = computeClusterStatuses(store, r);
    const placed = new Set(objects.filter((o) => o.status !== 'WaitingForRemoval').map((o) => o.cluster));
    const { propagation, clusters, ...sums } = aggregateStatus({ placed: [...placed], statuses: objects });
    // Computed on read, so there is no previous condition to carry a lastTransitionTime from.
    view['status'] = { conditions: [propagation], clusters, ...sums, objects };
  }
  return view;
}
