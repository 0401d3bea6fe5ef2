// Pins the member-side guard rails: allowed namespaces and kinds, denied kinds, and no bindings to cluster-admin.
import { describe, expect, it } from 'vitest';
import { checkGuardRails, OPEN_GUARD_RAILS, type GuardRails } from './guard-rails.ts';

const binding = (roleName: string) => ({
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
});

describe('checkGuardRails', () => {
  it.each<[string, Partial<GuardRails>, string, Record<string, unknown>, string | undefined]>([
    ['open rails allow an ordinary object', {}, 'apps/Deployment/web/d', {}, undefined],
    [
      'a ClusterRoleBinding to cluster-admin is denied by default',
      {},
      'rbac.authorization.k8s.io/ClusterRoleBinding//x',
      binding('cluster-admin'),
      'bindings to the cluster-admin ClusterRole are denied in this member',
    ],
    [
      'a RoleBinding to cluster-admin is denied too',
      {},
      'rbac.authorization.k8s.io/RoleBinding/web/x',
      binding('cluster-admin'),
      'bindings to the cluster-admin ClusterRole are denied in this member',
    ],
    [
      'a binding to another role is allowed',
      {},
      'rbac.authorization.k8s.io/ClusterRoleBinding//x',
      binding('view'),
      undefined,
    ],
    [
      'cluster-admin bindings pass when the operator allows them',
      { allowClusterAdminBindings: true },
      'rbac.authorization.k8s.io/ClusterRoleBinding//x',
      binding('cluster-admin'),
      undefined,
    ],
    [
      'a denied kind is refused',
      { denyKinds: ['Secret'] },
      'core/Secret/web/s',
      {},
      'kind Secret is denied in this member',
    ],
    [
      'a kind outside the allowed kinds is refused',
      { allowKinds: ['Deployment.apps'] },
      'core/ConfigMap/web/c',
      {},
      'kind ConfigMap is not among the kinds this member allows',
    ],
    ['an allowed kind passes', { allowKinds: ['Deployment.apps'] }, 'apps/Deployment/web/d', {}, undefined],
    [
      'a namespace outside the allowed ones is refused',
      { allowNamespaces: ['web'] },
      'core/ConfigMap/db/c',
      {},
      'namespace db is not among the namespaces this member allows',
    ],
    [
      'a Namespace object is checked by its own name',
      { allowNamespaces: ['web'] },
      'core/Namespace//web',
      {},
      undefined,
    ],
    [
      'cluster-scoped kinds are refused when namespaces are restricted',
      { allowNamespaces: ['web'] },
      'rbac.authorization.k8s.io/ClusterRole//r',
      {},
      'cluster-scoped ClusterRole.rbac.authorization.k8s.io is not allowed when namespaces are restricted',
    ],
  ])('%s', (_n, rails, key, manifest, expected) => {
    expect(checkGuardRails({ ...OPEN_GUARD_RAILS, ...rails }, key, manifest)).toBe(expected);
  });
});
