/**
 * Failover for one workload under a ReplicaSchedulingPreference, inside a write transaction:
 * which clusters the planner sees (Available ones, less those a Manual/Never failback policy
 * holds back), what it takes as current replicas (what the hub last told each cluster; the
 * pre-outage plan when a failover ends, so a returning cluster gets its share back even with
 * rebalance: false, where kubefed left it at 0), its capacity limits, and
 * the make-before-break step from the plan to what each cluster is told.
 */
import type { ClusterInfo, StoredResource } from '../core/model.ts';
import { estimateCapacity } from '../failover/capacity.ts';
import {
  FAILBACK_ANNOTATION,
  parseFailbackPolicy,
  selectPlanningClusters,
} from '../failover/failback-policy.ts';
import { sameReplicas, stepRollout, type Replicas } from '../failover/rollout.ts';
import type { WorkloadRolloutRecord, WorkloadRolloutState } from '../store/failover-repo.ts';
import type { WriteTxn } from './write-txn.ts';

export interface FailoverSettings {
  /** How long shrinking waits for the clusters keeping replicas to be ready (default 120 000). */
  failbackTimeoutMs: number;
  /** Unschedulable pods older than this limit a cluster's capacity (default 60 000). */
  unschedulableThresholdMs: number;
}

export const DEFAULT_FAILOVER_SETTINGS: FailoverSettings = {
  failbackTimeoutMs: 120_000,
  unschedulableThresholdMs: 60_000,
};

const EMPTY: WorkloadRolloutState = { sent: {}, phase: { kind: 'Steady' }, degraded: false, baseline: {} };

export interface RolloutContext {
  /** The clusters as this workload's planner must see them. */
  clusters: ClusterInfo[];
  currentReplicas: Record<string, number>;
  capacity: Record<string, number>;
  assignReplicas(planned: Replicas, held: Replicas): Replicas;
  /** After a successful compute: persist the rollout and record events when it changed. */
  commit(): void;
}

export function rolloutContext(
  txn: WriteTxn,
  settings: FailoverSettings,
  source: string,
  resource: StoredResource,
  rsp: StoredResource,
  clusters: ClusterInfo[],
): RolloutContext {
  const record: WorkloadRolloutRecord = txn.store.failover.getRollout(source) ?? {
    source,
    state: EMPTY,
    failbackApprovedAt: null,
  };
  const before = record.state;
  const statuses = txn.store.status.listBySource(source);
  const ready: Replicas = {};
  for (const s of statuses) if (s.readyReplicas !== null) ready[s.cluster] = s.readyReplicas;

  const health = new Map(txn.store.failover.listHealth().map((h) => [h.cluster, h]));
  const annotations = ((rsp.body['metadata'] as { annotations?: Record<string, unknown> } | undefined)
    ?.annotations ?? {}) as Record<string, unknown>;
  const policy = parseFailbackPolicy(annotations[FAILBACK_ANNOTATION]) ?? 'Automatic';
  const created = txn.store.resources.get(resource.kind, resource.namespace, resource.name)?.createdAt ?? 0;
  const selection = selectPlanningClusters(
    clusters.map((c) => ({
      name: c.name,
      availability: c.ready ? 'Available' : 'FailedOver',
      lastFailedOverMs: health.get(c.name)?.lastFailedOverAt ?? null,
    })),
    { policy, createdMs: created, approvedMs: record.failbackApprovedAt },
  );
  const heldBack = new Set(selection.heldBack);
  const frozen = new Set(selection.frozen);
  const degraded = frozen.size > 0 || heldBack.size > 0;
  // The planner's "current replicas" (kept by rebalance: false) are what the hub told each
  // cluster, like the spec.replicas kubefed read from members: stable, where reported ready
  // counts lag and would make the plan flip. Ending a failover, it plans from the plan made
  // before the outage, so the returning cluster gets its share back; while that move is under
  // way, from the move's goal.
  const currentReplicas: Replicas = degraded
    ? { ...before.sent }
    : before.degraded
      ? { ...before.baseline }
      : before.phase.kind === 'ScalingUp'
        ? { ...before.phase.target }
        : Object.keys(before.sent).length > 0
          ? { ...before.sent }
          : ready;

  const capacity = estimateCapacity(
    statuses.map((s) => ({
      cluster: s.cluster,
      sent: before.sent[s.cluster] ?? s.replicas ?? 0,
      unschedulableReplicas: s.unschedulableReplicas,
      unschedulableSinceMs: s.unschedulableSinceMs || null,
    })),
    txn.now,
    settings.unschedulableThresholdMs,
  );

  let after: WorkloadRolloutState = before;
  let reason = '';
  let plannedTarget: Replicas = {};
  return {
    clusters: clusters.map((c) => (heldBack.has(c.name) ? { ...c, ready: false } : c)),
    currentReplicas,
    capacity,
    assignReplicas: (planned, held) => {
      plannedTarget = planned;
      // What each candidate runs now: the slice's held counts are the truth for silent clusters.
      // A cluster that is no candidate any more (placement changed) leaves the rollout.
      const sentBefore: Replicas = {};
      for (const [c, n] of Object.entries(before.sent)) if (c in planned || c in held) sentBefore[c] = n;
      for (const [c, n] of Object.entries(held)) if (frozen.has(c)) sentBefore[c] = n;
      const step = stepRollout(
        { sent: sentBefore, phase: before.phase },
        {
          target: planned,
          frozen: [...frozen],
          ready,
          nowMs: txn.now,
          timeoutMs: settings.failbackTimeoutMs,
        },
      );
      reason = step.reason;
      after = {
        ...step.state,
        degraded,
        baseline: degraded ? before.baseline : { ...planned },
      };
      return step.state.sent;
    },
    commit: () => {
      if (sameRollout(before, after)) return;
      txn.store.failover.putRollout({ ...record, state: after }, txn.now);
      const event = rolloutEvent(before, after, reason, plannedTarget, [...frozen], [...heldBack]);
      if (event) txn.store.events.record({ at: txn.now, object: source, ...event });
    },
  };
}

function sameRollout(a: WorkloadRolloutState, b: WorkloadRolloutState): boolean {
  return (
    a.degraded === b.degraded &&
    sameReplicas(a.sent, b.sent) &&
    sameReplicas(a.baseline, b.baseline) &&
    JSON.stringify(a.phase) === JSON.stringify(b.phase)
  );
}

const fmt = (r: Replicas): string =>
  Object.entries(r)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([c, n]) => `${c}=${n}`)
    .join(', ');

function rolloutEvent(
  before: WorkloadRolloutState,
  after: WorkloadRolloutState,
  reason: string,
  planned: Replicas,
  frozen: string[],
  heldBack: string[],
): { type: 'Normal' | 'Warning'; reason: string; message: string } | undefined {
  if (!before.degraded && after.degraded) {
    const silent = frozen.length ? `${frozen.join(', ')} not available and kept as they are` : '';
    const held = heldBack.length ? `${heldBack.join(', ')} held back by the failback policy` : '';
    return {
      type: 'Warning',
      reason: 'FailedOver',
      message: `${[silent, held].filter(Boolean).join('; ')}; replicas re-planned: ${fmt(planned)}`,
    };
  }
  if (before.degraded && !after.degraded) {
    return {
      type: 'Normal',
      reason: 'FailingBack',
      message:
        after.phase.kind === 'ScalingUp'
          ? `every placed cluster available; plan ${fmt(planned)}: the others shrink once the returning clusters report their replicas ready`
          : `every placed cluster available; plan ${fmt(planned)}`,
    };
  }
  if (before.phase.kind === 'ScalingUp' && after.phase.kind === 'Steady') {
    return reason === 'ReadyTimeout'
      ? {
          type: 'Warning',
          reason: 'ReplicasMovedAfterTimeout',
          message: `replicas not ready in time; moved anyway: ${fmt(after.sent)}`,
        }
      : { type: 'Normal', reason: 'ReplicasMoved', message: `replacements ready; now ${fmt(after.sent)}` };
  }
  if (!sameReplicas(before.sent, after.sent) && Object.keys(before.sent).length > 0) {
    return { type: 'Normal', reason: 'Replanned', message: `replicas now ${fmt(after.sent)}` };
  }
  return undefined;
}
