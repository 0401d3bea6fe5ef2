import type { PerClusterStatus } from '../../shared/vocabulary.ts';
import type { ResourceRecord } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import { isConfigKind, sourceOf } from './reconcile-slices.ts';

/** One cluster's line in a federated resource's status. */
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
    const base: ClusterStatusView = {
      cluster: row.cluster,
      key: row.key,
      status: current ? s.status : ready.get(row.cluster) === false ? 'ClusterNotReady' : 'Pending',
      message: current ? s.message : '',
      desiredRevision: row.revision,
    };
    if (s) {
      base.reportedRevision = s.revision;
      base.observedGeneration = s.observedGeneration;
      if (s.replicas !== null) base.replicas = s.replicas;
      if (s.readyReplicas !== null) base.readyReplicas = s.readyReplicas;
      if (s.availableReplicas !== null) base.availableReplicas = s.availableReplicas;
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

export interface AggregateView {
  /** Propagated: True when every placed cluster is Ok. */
  conditions: Array<{ type: string; status: 'True' | 'False' | 'Unknown'; reason: string; message: string }>;
  clusters: number;
  readyReplicas?: number;
  availableReplicas?: number;
  replicas?: number;
}

export function computeAggregate(lines: ClusterStatusView[]): AggregateView {
  const live = lines.filter((l) => l.status !== 'WaitingForRemoval');
  const failing = live.filter((l) => l.status !== 'Ok' && l.status !== 'Pending');
  const pending = live.filter((l) => l.status === 'Pending');
  const propagated =
    failing.length > 0
      ? {
          status: 'False' as const,
          reason: failing[0]!.status,
          message: failing.map((l) => `${l.cluster}: ${l.status}`).join('; '),
        }
      : pending.length > 0
        ? {
            status: 'Unknown' as const,
            reason: 'Pending',
            message: `waiting for ${pending.map((l) => l.cluster).join(', ')}`,
          }
        : { status: 'True' as const, reason: 'Ok', message: '' };
  const agg: AggregateView = { conditions: [{ type: 'Propagated', ...propagated }], clusters: live.length };
  const sum = (pick: (l: ClusterStatusView) => number | undefined): number | undefined => {
    const values = live.map(pick).filter((v): v is number => v !== undefined);
    return values.length > 0 ? values.reduce((a, b) => a + b, 0) : undefined;
  };
  const replicas = sum((l) => l.replicas);
  const readyReplicas = sum((l) => l.readyReplicas);
  const availableReplicas = sum((l) => l.availableReplicas);
  if (replicas !== undefined) agg.replicas = replicas;
  if (readyReplicas !== undefined) agg.readyReplicas = readyReplicas;
  if (availableReplicas !== undefined) agg.availableReplicas = availableReplicas;
  return agg;
}

/** The stored object as a user reads it: its body, hub-set metadata, and (federated kinds) status. */
export function toResourceView(store: Store, r: ResourceRecord): Record<string, unknown> {
  const metadata = {
    ...((r.body['metadata'] as Record<string, unknown> | undefined) ?? {}),
    generation: r.generation,
    creationTimestamp: new Date(r.createdAt).toISOString(),
  };
  const view: Record<string, unknown> = { ...r.body, metadata };
  if (!isConfigKind(r.kind)) {
    const clusters = computeClusterStatuses(store, r);
    view['status'] = { ...computeAggregate(clusters), clusters };
  }
  return view;
}
