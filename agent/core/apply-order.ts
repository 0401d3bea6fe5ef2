/**
 * Dependency order for applying a slice: what others need comes first (Namespaces and CRDs,
 * then identities and RBAC, config, services, workloads), and admission webhooks come last so
 * a webhook cannot block the objects it would otherwise intercept. Deletion runs in reverse.
 */
import { fromObjectKey } from '../../shared/object-key.ts';

const RANKS: ReadonlyArray<readonly [rank: number, kinds: readonly string[]]> = [
  [0, ['core/Namespace']],
  [0.5, ['apiextensions.k8s.io/CustomResourceDefinition']],
  [
    1,
    [
      'core/ResourceQuota',
      'core/LimitRange',
      'scheduling.k8s.io/PriorityClass',
      'storage.k8s.io/StorageClass',
    ],
  ],
  [2, ['core/ServiceAccount']],
  [
    3,
    [
      'rbac.authorization.k8s.io/ClusterRole',
      'rbac.authorization.k8s.io/Role',
      'rbac.authorization.k8s.io/ClusterRoleBinding',
      'rbac.authorization.k8s.io/RoleBinding',
    ],
  ],
  [4, ['core/ConfigMap', 'core/Secret']],
  [5, ['core/PersistentVolume', 'core/PersistentVolumeClaim']],
  [
    6,
    [
      'core/Service',
      'discovery.k8s.io/EndpointSlice',
      'networking.k8s.io/Ingress',
      'networking.k8s.io/NetworkPolicy',
    ],
  ],
  [
    8,
    [
      'apps/Deployment',
      'apps/StatefulSet',
      'apps/DaemonSet',
      'apps/ReplicaSet',
      'batch/Job',
      'batch/CronJob',
      'core/Pod',
      'core/ReplicationController',
    ],
  ],
  [9, ['autoscaling/HorizontalPodAutoscaler', 'policy/PodDisruptionBudget']],
  [
    10,
    [
      'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
      'admissionregistration.k8s.io/MutatingWebhookConfiguration',
      'admissionregistration.k8s.io/ValidatingAdmissionPolicy',
      'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
    ],
  ],
];

/** Anything not listed (custom resources, for instance) goes after services and before workloads. */
const DEFAULT_RANK = 7;

const RANK_BY_KIND = new Map<string, number>(
  RANKS.flatMap(([rank, kinds]) => kinds.map((k) => [k, rank] as const)),
);

/** The apply rank of a "<group or core>/<Kind>" pair; lower applies earlier. */
export function computeKindRank(group: string, kind: string): number {
  return RANK_BY_KIND.get(`${group === '' ? 'core' : group}/${kind}`) ?? DEFAULT_RANK;
}

function rankOfKey(key: string): number {
  const ref = fromObjectKey(key);
  return computeKindRank(ref.group, ref.kind);
}

/** Keys sorted for applying: by rank, then by key so the order is stable. */
export function sortForApply(keys: Iterable<string>): string[] {
  return [...keys].sort((a, b) => rankOfKey(a) - rankOfKey(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** Keys sorted for deleting: the reverse of the apply order. */
export function sortForDelete(keys: Iterable<string>): string[] {
  return sortForApply(keys).reverse();
}

/** Keys already sorted for applying, split into runs of equal rank. */
export function groupByRank(sorted: readonly string[]): string[][] {
  const groups: string[][] = [];
  let rank: number | undefined;
  for (const key of sorted) {
    const r = rankOfKey(key);
    if (r !== rank || groups.length === 0) groups.push([]);
    rank = r;
    groups[groups.length - 1]!.push(key);
  }
  return groups;
}
