/**
 * Make-before-break replica moves for one workload under a ReplicaSchedulingPreference, as a
 * pure step function. The planner says where replicas should be (`target`); this decides what
 * each cluster is told now (`sent`) so that ready replicas never drop below the plan's total:
 *
 * - a cluster that is not Available (silent, failed over) keeps what it was last told: nothing
 *   in it is scaled down while we cannot see it, and it is told nothing lower when it returns
 *   until the plan, with it included, says so;
 * - increases go out at once; decreases wait until every visible cluster that keeps or gains
 *   replicas reports them ready (or `timeoutMs` passes), then go out together. A cluster coming
 *   back from a failover is one of those: the others shrink only once its replicas are ready.
 */

export type Replicas = Record<string, number>;

export type RolloutPhase =
  | { kind: 'Steady' }
  /** Increases sent; decreases held until the clusters keeping replicas are ready. */
  | { kind: 'ScalingUp'; sinceMs: number; target: Replicas };

export interface RolloutState {
  /** What each cluster was last told. */
  sent: Replicas;
  phase: RolloutPhase;
}

export interface RolloutInput {
  /** The planner's answer over the Available clusters (a cluster absent here gets nothing new). */
  target: Replicas;
  /** Clusters that are placed but not Available: their `sent` is frozen. */
  frozen: readonly string[];
  /** Ready replicas each cluster reports for this workload. */
  ready: Replicas;
  nowMs: number;
  /** How long decreases wait for the clusters keeping replicas to be ready (default 120 000). */
  timeoutMs: number;
}

export type RolloutReason =
  'Unchanged' | 'ScaledUp' | 'Rebalanced' | 'ReplacementsReady' | 'ReadyTimeout' | 'WaitingForReady';

export interface RolloutStep {
  state: RolloutState;
  /** True when `sent` changed (the member objects must be recomputed). */
  changed: boolean;
  reason: RolloutReason;
}

export const EMPTY_ROLLOUT: RolloutState = { sent: {}, phase: { kind: 'Steady' } };

export function stepRollout(state: RolloutState, input: RolloutInput): RolloutStep {
  const frozen = new Set(input.frozen);
  // What we want in the end: the plan for planned clusters, the frozen value for frozen ones.
  const goal: Replicas = {};
  for (const [c, n] of Object.entries(input.target)) if (!frozen.has(c)) goal[c] = n;
  for (const c of frozen) {
    const prev = state.sent[c];
    if (prev !== undefined) goal[c] = prev;
  }
  // A cluster the plan no longer gives replicas to is told 0 (it keeps its object), after the others are ready.
  for (const c of Object.keys(state.sent)) if (!(c in goal)) goal[c] = 0;

  const clusters = new Set([...Object.keys(goal), ...Object.keys(state.sent)]);
  const shrinking = [...clusters].filter((c) => (goal[c] ?? 0) < (state.sent[c] ?? 0));

  if (shrinking.length === 0) {
    const changed = !sameReplicas(state.sent, goal);
    return {
      state: { sent: goal, phase: { kind: 'Steady' } },
      changed,
      reason: changed ? 'ScaledUp' : 'Unchanged',
    };
  }

  // Some clusters shrink. Their decrease waits until every cluster that keeps or gains replicas
  // (and that we can see) reports the replicas it is meant to have ready.
  const sinceMs =
    state.phase.kind === 'ScalingUp' && sameReplicas(state.phase.target, goal)
      ? state.phase.sinceMs
      : input.nowMs;
  const keepers = [...clusters].filter((c) => !frozen.has(c) && !shrinking.includes(c) && (goal[c] ?? 0) > 0);
  const keepersReady = keepers.every((c) => (input.ready[c] ?? 0) >= (goal[c] ?? 0));
  const timedOut = input.nowMs - sinceMs >= input.timeoutMs;
  if (keepersReady || timedOut) {
    const changed = !sameReplicas(state.sent, goal);
    return {
      state: { sent: goal, phase: { kind: 'Steady' } },
      changed,
      reason: keepersReady
        ? state.phase.kind === 'ScalingUp'
          ? 'ReplacementsReady'
          : 'Rebalanced'
        : 'ReadyTimeout',
    };
  }
  const interim: Replicas = {};
  for (const c of clusters) interim[c] = maxOf(state.sent, goal, c);
  const changed = !sameReplicas(state.sent, interim);
  return {
    state: { sent: interim, phase: { kind: 'ScalingUp', sinceMs, target: goal } },
    changed,
    reason: 'WaitingForReady',
  };
}

function maxOf(a: Replicas, b: Replicas, c: string): number {
  return Math.max(a[c] ?? 0, b[c] ?? 0);
}

export function sameReplicas(a: Replicas, b: Replicas): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if ((a[k] ?? 0) !== (b[k] ?? 0)) return false;
  return true;
}
