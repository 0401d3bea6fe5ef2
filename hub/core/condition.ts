/**
 * The one condition shape (as in Kubernetes' metav1.Condition) and its setter.
 */
import type { ConditionStatus } from '../../shared/vocabulary.ts';

export interface Condition {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
  /** RFC 3339; moves only when status changes. */
  lastTransitionTime: string;
  observedGeneration?: number;
}

/**
 * Sets `cond` in `conditions` (by type), stamping `now` (an ISO string the caller takes from its
 * clock) as lastTransitionTime only when the type is new or its status changes; a change of
 * reason, message or observedGeneration alone keeps the old time. Returns a new array, or the
 * same array when nothing changed, so that a caller can skip the write.
 */
export function setCondition(
  conditions: Condition[],
  cond: Omit<Condition, 'lastTransitionTime'>,
  now: string,
): Condition[] {
  const i = conditions.findIndex((c) => c.type === cond.type);
  const existing = i < 0 ? undefined : conditions[i];
  if (!existing) return [...conditions, { ...cond, lastTransitionTime: now }];
  const next: Condition = {
    ...cond,
    lastTransitionTime: existing.status === cond.status ? existing.lastTransitionTime : now,
  };
  if (sameCondition(existing, next)) return conditions;
  return conditions.map((c, j) => (j === i ? next : c));
}

function sameCondition(a: Condition, b: Condition): boolean {
  return (
    a.status === b.status &&
    a.reason === b.reason &&
    a.message === b.message &&
    a.lastTransitionTime === b.lastTransitionTime &&
    a.observedGeneration === b.observedGeneration
  );
}
