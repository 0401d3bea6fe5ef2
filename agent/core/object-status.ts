/**
 * Per-object status the agent reports, and the change detection that keeps reports to what
 * changed since the last one the hub acknowledged.
 */
import type { ObjectHealth, PerClusterStatus } from '../../shared/vocabulary.ts';
import { canonicalJson } from './canonical-json.ts';
import type { ConditionValue } from './health.ts';

export interface ObjectStatusValue {
  key: string;
  status: PerClusterStatus;
  message: string;
  revision: number;
  generation: number;
  observedGeneration: number;
  replicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  updatedReplicas?: number;
  health: ObjectHealth;
  conditions: ConditionValue[];
  driftCorrections: number;
  unschedulableReplicas: number;
  unschedulableSinceMs: number;
}

export interface StatusDelta {
  changed: ObjectStatusValue[];
  removed: string[];
}

/** What differs between the statuses last reported and the current ones. */
export function computeStatusDelta(
  reported: ReadonlyMap<string, ObjectStatusValue>,
  current: ReadonlyMap<string, ObjectStatusValue>,
): StatusDelta {
  const changed: ObjectStatusValue[] = [];
  for (const [key, s] of current) {
    const before = reported.get(key);
    if (!before || canonicalJson(before) !== canonicalJson(s)) changed.push(s);
  }
  const removed = [...reported.keys()].filter((k) => !current.has(k)).sort();
  changed.sort((a, b) => (a.key < b.key ? -1 : 1));
  return { changed, removed };
}

/**
 * Pods that cannot be scheduled (PodScheduled=False, reason Unschedulable) and since when: the
 * earliest such transition, in ms since the epoch (0 when none).
 */
export function computeUnschedulable(pods: ReadonlyArray<Record<string, unknown>>): {
  count: number;
  sinceMs: number;
} {
  let count = 0;
  let since = 0;
  for (const pod of pods) {
    const status = (pod['status'] ?? {}) as Record<string, unknown>;
    const conds = Array.isArray(status['conditions'])
      ? (status['conditions'] as Array<Record<string, unknown>>)
      : [];
    const c = conds.find(
      (x) => x['type'] === 'PodScheduled' && x['status'] === 'False' && x['reason'] === 'Unschedulable',
    );
    if (!c) continue;
    count++;
    const t = typeof c['lastTransitionTime'] === 'string' ? Date.parse(c['lastTransitionTime']) : NaN;
    if (Number.isFinite(t) && (since === 0 || t < since)) since = t;
  }
  return { count, sinceMs: since };
}
