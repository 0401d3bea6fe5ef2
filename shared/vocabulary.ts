/**
 * Fixed vocabularies, spelled the same in the proto comments, the SQLite CHECK constraints,
 * the APIs and the logs.
 */

/**
 * The status of one federated resource in one member cluster, in the spirit of kubefed's
 * per-cluster propagation status. `Ok` means applied and matching the desired revision;
 * `Pending` means sent and not yet reported by the agent.
 */
export const PER_CLUSTER_STATUSES = [
  'Ok',
  'Pending',
  'ClusterNotReady',
  'ApplyOverridesFailed',
  'CreationFailed',
  'UpdateFailed',
  'DeletionFailed',
  'AlreadyExists',
  'WaitingForRemoval',
  'Denied',
] as const;
export type PerClusterStatus = (typeof PER_CLUSTER_STATUSES)[number];

export function isPerClusterStatus(v: unknown): v is PerClusterStatus {
  return typeof v === 'string' && (PER_CLUSTER_STATUSES as readonly string[]).includes(v);
}

/** Health of one applied object as the agent sees it. */
export const OBJECT_HEALTHS = ['Healthy', 'Progressing', 'Degraded', 'Unknown'] as const;
export type ObjectHealth = (typeof OBJECT_HEALTHS)[number];

/** The agent's own view of its member cluster, carried by heartbeats. */
export const CLUSTER_HEALTHS = ['Healthy', 'Unhealthy'] as const;
export type ClusterHealth = (typeof CLUSTER_HEALTHS)[number];

export type ConditionStatus = 'True' | 'False' | 'Unknown';

/** The label the agent puts on every object it applies. */
export const MANAGED_BY_LABEL = 'fedhub.io/managed-by';
export const MANAGED_BY_VALUE = 'fedhub';
/** The field manager of every server-side apply the agent makes. */
export const FIELD_MANAGER = 'fedhub-agent';
