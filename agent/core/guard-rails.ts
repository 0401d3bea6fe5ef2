/**
 * Member-side guard rails: what the member's operator allows the hub to create here. Checked
 * before anything is applied; an object outside them gets status `Denied` and is not touched.
 */
import { fromObjectKey } from '../../shared/object-key.ts';

export interface GuardRails {
  /** Namespaces the hub may place objects in (and create); undefined allows every namespace. */
  allowNamespaces: string[] | undefined;
  /** Kinds the hub may place, as `Kind` (core) or `Kind.group`; undefined allows every kind. */
  allowKinds: string[] | undefined;
  /** Kinds the hub may never place, same spelling. */
  denyKinds: string[];
  /** Allow (Cluster)RoleBindings to the cluster-admin ClusterRole. Default false. */
  allowClusterAdminBindings: boolean;
}

export const OPEN_GUARD_RAILS: GuardRails = {
  allowNamespaces: undefined,
  allowKinds: undefined,
  denyKinds: [],
  allowClusterAdminBindings: false,
};

function kindName(group: string, kind: string): string {
  return group === '' ? kind : `${kind}.${group}`;
}

/** Why the rails refuse this object, or undefined when it may be applied. */
export function checkGuardRails(
  rails: GuardRails,
  key: string,
  manifest: Record<string, unknown>,
): string | undefined {
  const ref = fromObjectKey(key);
  const kind = kindName(ref.group, ref.kind);
  if (rails.denyKinds.includes(kind)) return `kind ${kind} is denied in this member`;
  if (rails.allowKinds && !rails.allowKinds.includes(kind))
    return `kind ${kind} is not among the kinds this member allows`;
  const ns = ref.kind === 'Namespace' && ref.group === '' ? ref.name : ref.namespace;
  if (rails.allowNamespaces && ns !== '' && !rails.allowNamespaces.includes(ns)) {
    return `namespace ${ns} is not among the namespaces this member allows`;
  }
  if (rails.allowNamespaces && ns === '' && ref.kind !== 'Namespace') {
    return `cluster-scoped ${kind} is not allowed when namespaces are restricted`;
  }
  const isBinding =
    ref.group === 'rbac.authorization.k8s.io' &&
    (ref.kind === 'ClusterRoleBinding' || ref.kind === 'RoleBinding');
  const roleRef = (manifest['roleRef'] ?? {}) as Record<string, unknown>;
  if (
    isBinding &&
    !rails.allowClusterAdminBindings &&
    roleRef['kind'] === 'ClusterRole' &&
    roleRef['name'] === 'cluster-admin'
  ) {
    return 'bindings to the cluster-admin ClusterRole are denied in this member';
  }
  return undefined;
}
