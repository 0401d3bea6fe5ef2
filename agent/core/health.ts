/**
 * Observed state of one live object: generation, replica counts for workloads, conditions, and
 * a health summary (Healthy / Progressing / Degraded / Unknown) in the spirit of kstatus.
 */
import type { ConditionStatus, ObjectHealth } from '../../shared/vocabulary.ts';

export interface ConditionValue {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration: number;
}

export interface ObservedState {
  generation: number;
  observedGeneration: number;
  replicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  updatedReplicas?: number;
  health: ObjectHealth;
  conditions: ConditionValue[];
}

type Obj = Record<string, unknown>;

function rec(v: unknown): Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {};
}
function num(v: unknown, dflt = 0): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : dflt;
}
function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
function toConditionStatus(v: unknown): ConditionStatus {
  return v === 'True' || v === 'False' ? v : 'Unknown';
}

export function toConditions(status: Obj): ConditionValue[] {
  const raw = Array.isArray(status['conditions']) ? (status['conditions'] as unknown[]) : [];
  return raw.map((c) => {
    const r = rec(c);
    return {
      type: str(r['type']),
      status: toConditionStatus(r['status']),
      reason: str(r['reason']),
      message: str(r['message']),
      lastTransitionTime: str(r['lastTransitionTime']),
      observedGeneration: num(r['observedGeneration']),
    };
  });
}

function hasCondition(
  conds: ConditionValue[],
  type: string,
  status: ConditionStatus,
  reason?: string,
): boolean {
  return conds.some(
    (c) => c.type === type && c.status === status && (reason === undefined || c.reason === reason),
  );
}

const REPLICATED = new Set([
  'apps/Deployment',
  'apps/StatefulSet',
  'apps/ReplicaSet',
  'core/ReplicationController',
]);

/** The observed state of `live`, an object of kind `<group or core>/<Kind>`. */
export function computeObservedState(groupKind: string, live: Obj): ObservedState {
  const metadata = rec(live['metadata']);
  const status = rec(live['status']);
  const spec = rec(live['spec']);
  const generation = num(metadata['generation']);
  const observedGeneration = num(status['observedGeneration']);
  const conditions = toConditions(status);
  const base = { generation, observedGeneration, conditions };
  const caughtUp = generation === 0 || observedGeneration >= generation;

  if (REPLICATED.has(groupKind)) {
    const want = num(spec['replicas'], 1);
    const ready = num(status['readyReplicas']);
    const available = num(status['availableReplicas'], groupKind === 'apps/StatefulSet' ? ready : 0);
    const updated = num(status['updatedReplicas'], groupKind === 'apps/ReplicaSet' ? ready : 0);
    const degraded =
      hasCondition(conditions, 'Progressing', 'False', 'ProgressDeadlineExceeded') ||
      hasCondition(conditions, 'ReplicaFailure', 'True');
    const healthy =
      caughtUp && ready >= want && available >= want && updated >= want && num(status['replicas']) <= want;
    return {
      ...base,
      replicas: want,
      readyReplicas: ready,
      availableReplicas: available,
      updatedReplicas: updated,
      health: degraded ? 'Degraded' : healthy ? 'Healthy' : 'Progressing',
    };
  }
  if (groupKind === 'apps/DaemonSet') {
    const want = num(status['desiredNumberScheduled']);
    const ready = num(status['numberReady']);
    const available = num(status['numberAvailable']);
    const updated = num(status['updatedNumberScheduled']);
    const healthy = caughtUp && ready >= want && available >= want && updated >= want;
    return {
      ...base,
      replicas: want,
      readyReplicas: ready,
      availableReplicas: available,
      updatedReplicas: updated,
      health: healthy ? 'Healthy' : 'Progressing',
    };
  }
  if (groupKind === 'batch/Job') {
    if (hasCondition(conditions, 'Failed', 'True')) return { ...base, health: 'Degraded' };
    return { ...base, health: hasCondition(conditions, 'Complete', 'True') ? 'Healthy' : 'Progressing' };
  }
  if (groupKind === 'apiextensions.k8s.io/CustomResourceDefinition') {
    return { ...base, health: hasCondition(conditions, 'Established', 'True') ? 'Healthy' : 'Progressing' };
  }
  if (groupKind === 'core/PersistentVolumeClaim') {
    const phase = str(status['phase']);
    return { ...base, health: phase === 'Bound' ? 'Healthy' : phase === 'Lost' ? 'Degraded' : 'Progressing' };
  }
  // Kinds without a rollout: existing is healthy, unless a Ready condition says otherwise.
  if (hasCondition(conditions, 'Ready', 'False')) return { ...base, health: 'Progressing' };
  return { ...base, health: 'Healthy' };
}
