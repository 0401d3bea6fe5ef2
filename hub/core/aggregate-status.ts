/**
 * The aggregate status of a federated resource from its per-cluster statuses.
 */
import type { ConditionStatus, PerClusterStatus } from '../../shared/vocabulary.ts';

export { setCondition, type Condition } from './condition.ts';

/** One cluster's status of a federated resource, as recorded from compute errors and agent reports. */
export interface ClusterStatusInput {
  cluster: string;
  status: PerClusterStatus;
  message?: string;
  replicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  updatedReplicas?: number;
}

export interface ClusterStatusLine {
  cluster: string;
  status: PerClusterStatus;
  message: string;
}

export interface AggregateStatus {
  /** Without lastTransitionTime: pass it to setCondition with the caller's clock. */
  propagation: { type: 'Propagation'; status: ConditionStatus; reason: string; message: string };
  /** One line per placed cluster, plus unplaced clusters still reporting something other than Ok; sorted. */
  clusters: ClusterStatusLine[];
  /** Sums over those lines, present when at least one line reports the field (workloads). */
  replicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  updatedReplicas?: number;
}

/** Statuses that mean "not there yet" rather than "failed". */
const IN_PROGRESS: ReadonlySet<PerClusterStatus> = new Set(['Pending', 'WaitingForRemoval']);
const SUMMED = ['replicas', 'readyReplicas', 'availableReplicas', 'updatedReplicas'] as const;

/**
 * Aggregates per-cluster statuses over the placed clusters. A placed cluster without a status is
 * Pending. The Propagation condition is True when every placed cluster is Ok (and nothing is being
 * removed), False with the reason and message of the first failing cluster (by name) when any
 * fails, and Unknown while any is Pending or WaitingForRemoval. When a cluster has several
 * statuses, its worst one counts (failure, then in progress, then Ok).
 */
export function aggregateStatus(input: {
  placed: readonly string[];
  statuses: readonly ClusterStatusInput[];
}): AggregateStatus {
  const placed = new Set(input.placed);
  const byCluster = new Map<string, ClusterStatusInput[]>();
  for (const s of input.statuses) byCluster.set(s.cluster, [...(byCluster.get(s.cluster) ?? []), s]);

  const lines: ClusterStatusLine[] = [];
  const counted: ClusterStatusInput[] = [];
  for (const cluster of new Set([...placed, ...byCluster.keys()])) {
    const entries = byCluster.get(cluster) ?? [];
    const worst = entries.reduce<ClusterStatusInput | undefined>(
      (w, s) => (w && rank(w) >= rank(s) ? w : s),
      undefined,
    );
    if (!placed.has(cluster) && (worst === undefined || worst.status === 'Ok')) continue;
    lines.push(
      worst
        ? { cluster, status: worst.status, message: worst.message ?? '' }
        : { cluster, status: 'Pending', message: 'not reported yet' },
    );
    counted.push(...entries);
  }
  lines.sort((a, b) => (a.cluster < b.cluster ? -1 : a.cluster > b.cluster ? 1 : 0));

  const result: AggregateStatus = { propagation: propagation(lines, placed.size), clusters: lines };
  for (const field of SUMMED) {
    const values = counted.map((s) => s[field]).filter((v): v is number => typeof v === 'number');
    if (values.length > 0) result[field] = values.reduce((a, b) => a + b, 0);
  }
  return result;
}

function rank(s: ClusterStatusInput): number {
  return s.status === 'Ok' ? 0 : IN_PROGRESS.has(s.status) ? 1 : 2;
}

function propagation(lines: ClusterStatusLine[], placedCount: number): AggregateStatus['propagation'] {
  const failing = lines.filter((l) => l.status !== 'Ok' && !IN_PROGRESS.has(l.status));
  const first = failing[0];
  if (first) {
    const more = failing.length > 1 ? ` (and ${failing.length - 1} more failing)` : '';
    const detail = first.message === '' ? '' : `: ${first.message}`;
    return {
      type: 'Propagation',
      status: 'False',
      reason: first.status,
      message: `cluster ${first.cluster}: ${first.status}${detail}${more}`,
    };
  }
  const waiting = lines.filter((l) => IN_PROGRESS.has(l.status));
  if (waiting.length > 0) {
    return {
      type: 'Propagation',
      status: 'Unknown',
      reason: 'Pending',
      message: `waiting for ${waiting.map((l) => l.cluster).join(', ')}`,
    };
  }
  return {
    type: 'Propagation',
    status: 'True',
    reason: 'Propagated',
    message: placedCount === 0 ? 'no clusters selected' : `propagated to ${placedCount} cluster(s)`,
  };
}
