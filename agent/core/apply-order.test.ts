// Pins the dependency order of applies (namespaces and CRDs first, webhooks last) and its reverse for deletes.
import { describe, expect, it } from 'vitest';
import { computeKindRank, groupByRank, sortForApply, sortForDelete } from './apply-order.ts';

describe('sortForApply', () => {
  it.each([
    [
      'namespaces and CRDs come before everything else',
      ['apps/Deployment/web/a', 'core/Namespace//web', 'apiextensions.k8s.io/CustomResourceDefinition//x.y'],
      ['core/Namespace//web', 'apiextensions.k8s.io/CustomResourceDefinition//x.y', 'apps/Deployment/web/a'],
    ],
    [
      'service accounts and RBAC precede config, services and workloads',
      [
        'apps/Deployment/web/a',
        'core/Service/web/a',
        'core/ConfigMap/web/a',
        'rbac.authorization.k8s.io/ClusterRoleBinding//b',
        'core/ServiceAccount/web/a',
      ],
      [
        'core/ServiceAccount/web/a',
        'rbac.authorization.k8s.io/ClusterRoleBinding//b',
        'core/ConfigMap/web/a',
        'core/Service/web/a',
        'apps/Deployment/web/a',
      ],
    ],
    [
      'webhooks come last, after workloads',
      ['admissionregistration.k8s.io/ValidatingWebhookConfiguration//w', 'batch/Job/web/j'],
      ['batch/Job/web/j', 'admissionregistration.k8s.io/ValidatingWebhookConfiguration//w'],
    ],
    [
      'custom resources come after services and before workloads',
      ['apps/Deployment/n/d', 'example.com/Widget/n/w', 'core/Service/n/s'],
      ['core/Service/n/s', 'example.com/Widget/n/w', 'apps/Deployment/n/d'],
    ],
    [
      'objects of one kind are ordered by key',
      ['core/Secret/n/b', 'core/Secret/n/a'],
      ['core/Secret/n/a', 'core/Secret/n/b'],
    ],
  ])('%s', (_name, input, expected) => {
    expect(sortForApply(input)).toEqual(expected);
  });

  it('deletes in exactly the reverse order', () => {
    const keys = ['core/Namespace//n', 'apps/Deployment/n/d', 'core/ConfigMap/n/c'];
    expect(sortForDelete(keys)).toEqual([...sortForApply(keys)].reverse());
  });

  it('ranks the core group spelled as empty or as "core" the same', () => {
    expect(computeKindRank('', 'Namespace')).toBe(computeKindRank('core', 'Namespace'));
  });
});

describe('groupByRank', () => {
  it.each<[string, string[], string[][]]>([
    ['no keys make no groups', [], []],
    [
      'keys of one rank form one group, in order',
      ['core/ConfigMap/n/a', 'core/Secret/n/b', 'apps/Deployment/n/d'],
      [['core/ConfigMap/n/a', 'core/Secret/n/b'], ['apps/Deployment/n/d']],
    ],
    [
      'a CRD and its custom resource land in different groups',
      ['apiextensions.k8s.io/CustomResourceDefinition//w.x', 'x/Widget/n/w'],
      [['apiextensions.k8s.io/CustomResourceDefinition//w.x'], ['x/Widget/n/w']],
    ],
  ])('%s', (_n, keys, groups) => {
    expect(groupByRank(sortForApply(keys))).toEqual(groups);
  });
});
