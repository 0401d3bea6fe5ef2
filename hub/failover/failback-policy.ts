/**
 * Which placed clusters a workload plans over. A cluster must be Available; and after it has
 * failed over, a workload whose policy is Manual or Never leaves it out until an operator
 * approves the failback (Never refuses approval: the preference must change).
 */
import type { Availability } from './cluster-health.ts';

export const FAILBACK_POLICIES = ['Automatic', 'Manual', 'Never'] as const;
export type FailbackPolicy = (typeof FAILBACK_POLICIES)[number];

/** The annotation on a ReplicaSchedulingPreference that picks its policy (kubefed YAML stays valid). */
export const FAILBACK_ANNOTATION = 'fedhub.io/failback';

export function parseFailbackPolicy(value: unknown): FailbackPolicy | undefined {
  if (value === undefined) return 'Automatic';
  if (typeof value !== 'string') return undefined;
  const v = value.toLowerCase();
  return FAILBACK_POLICIES.find((p) => p.toLowerCase() === v);
}

export interface PlanningCluster {
  name: string;
  availability: Availability;
  /** When the cluster last became FailedOver (ms), or null if never. */
  lastFailedOverMs: number | null;
}

export interface WorkloadFailback {
  policy: FailbackPolicy;
  /** When the workload came to exist; failovers before it do not count. */
  createdMs: number;
  /** The last manual failback approval, if any. */
  approvedMs: number | null;
}

/** Splits placed clusters into those planned over and those whose replicas stay frozen. */
export function selectPlanningClusters(
  placed: readonly PlanningCluster[],
  workload: WorkloadFailback,
): { planned: string[]; frozen: string[]; heldBack: string[] } {
  const planned: string[] = [];
  const frozen: string[] = [];
  const heldBack: string[] = [];
  const since = Math.max(workload.createdMs, workload.approvedMs ?? -Infinity);
  for (const c of placed) {
    if (c.availability !== 'Available') {
      frozen.push(c.name);
    } else if (workload.policy !== 'Automatic' && c.lastFailedOverMs !== null && c.lastFailedOverMs > since) {
      heldBack.push(c.name);
    } else {
      planned.push(c.name);
    }
  }
  return { planned, frozen, heldBack };
}
