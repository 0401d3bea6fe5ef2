/**
 * Capacity limits from unschedulable pods, as kubefed's scheduler estimated them: a cluster whose
 * pods of a workload have been unschedulable for at least `thresholdMs` can hold what it was told
 * minus those pods; the planner moves the excess (its overflow) to other clusters.
 */

export interface WorkloadClusterStatus {
  cluster: string;
  /** Replicas the cluster was told to run. */
  sent: number;
  unschedulableReplicas: number;
  /** When pods first became unschedulable (ms since epoch); 0 or null when none are. */
  unschedulableSinceMs: number | null;
}

export function estimateCapacity(
  statuses: readonly WorkloadClusterStatus[],
  nowMs: number,
  thresholdMs: number,
): Record<string, number> {
  const capacity: Record<string, number> = {};
  for (const s of statuses) {
    if (s.unschedulableReplicas <= 0 || !s.unschedulableSinceMs) continue;
    if (nowMs - s.unschedulableSinceMs < thresholdMs) continue;
    capacity[s.cluster] = Math.max(0, s.sent - s.unschedulableReplicas);
  }
  return capacity;
}
