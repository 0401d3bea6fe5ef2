// Pins member objects: template + identity + overrides + managed-by label, errors per cluster, and RSP-driven placement and replicas.
import { describe, expect, it } from 'vitest';
import { MANAGED_BY_LABEL } from '../../shared/vocabulary.ts';
import { computeMemberObjects, type MemberObjectsContext } from './member-objects.ts';
import type { ClusterInfo, StoredResource } from './model.ts';
import { createTypeRegistry } from './type-registry.ts';

const registry = createTypeRegistry();
const cluster = (name: string, ready = true, labels: Record<string, string> = {}): ClusterInfo => ({
  name,
  labels,
  ready,
});
const clusters = [
  cluster('cluster1', true, { region: 'east' }),
  cluster('cluster2', true, { region: 'west' }),
];

function stored(
  kind: string,
  namespace: string,
  name: string,
  spec: Record<string, unknown>,
): StoredResource {
  const apiVersion =
    kind === 'ReplicaSchedulingPreference' ? 'scheduling.kubefed.io/v1alpha1' : 'types.kubefed.io/v1beta1';
  const metadata = namespace === '' ? { name } : { name, namespace };
  return {
    apiVersion,
    kind,
    namespace,
    name,
    generation: 1,
    labels: {},
    body: { apiVersion, kind, metadata, spec },
  };
}

const sampleDeployment = () =>
  stored('FederatedDeployment', 'test-namespace', 'test-deployment', {
    template: {
      metadata: { labels: { app: 'nginx' }, annotations: { note: 'kept' } },
      spec: { replicas: 3, template: { spec: { containers: [{ image: 'nginx:1.17.0', name: 'nginx' }] } } },
    },
    placement: { clusters: [{ name: 'cluster2' }, { name: 'cluster1' }] },
    overrides: [
      {
        clusterName: 'cluster2',
        clusterOverrides: [
          { path: '/spec/replicas', value: 5 },
          { path: '/spec/template/spec/containers/0/image', value: 'nginx:1.17.2' },
          { path: '/metadata/annotations', op: 'add', value: { foo: 'bar' } },
        ],
      },
    ],
  });

const ctx = (extra: Partial<MemberObjectsContext> = {}): MemberObjectsContext => ({
  clusters,
  registry,
  ...extra,
});
const replicasOf = (r: ReturnType<typeof computeMemberObjects>) =>
  Object.fromEntries(r.objects.map((o) => [o.cluster, (o.manifest.spec as { replicas?: number }).replicas]));

describe('computeMemberObjects without a preference', () => {
  it('builds the kubefed sample: identity from the federated object, overrides per cluster, managed-by label', () => {
    const result = computeMemberObjects(sampleDeployment(), ctx());
    expect(result.placed).toEqual(['cluster1', 'cluster2']);
    expect(result.errors).toEqual([]);
    expect(result.plan).toBeUndefined();
    expect(result.objects.map((o) => [o.cluster, o.key, o.source])).toEqual([
      [
        'cluster1',
        'apps/Deployment/test-namespace/test-deployment',
        'FederatedDeployment/test-namespace/test-deployment',
      ],
      [
        'cluster2',
        'apps/Deployment/test-namespace/test-deployment',
        'FederatedDeployment/test-namespace/test-deployment',
      ],
    ]);
    expect(result.objects[0]?.manifest).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'test-deployment',
        namespace: 'test-namespace',
        labels: { app: 'nginx', [MANAGED_BY_LABEL]: 'fedhub' },
        annotations: { note: 'kept' },
      },
      spec: { replicas: 3, template: { spec: { containers: [{ image: 'nginx:1.17.0', name: 'nginx' }] } } },
    });
    expect(result.objects[1]?.manifest).toMatchObject({
      metadata: { annotations: { foo: 'bar' }, labels: { [MANAGED_BY_LABEL]: 'fedhub' } },
      spec: { replicas: 5, template: { spec: { containers: [{ image: 'nginx:1.17.2' }] } } },
    });
  });

  it.each<[string, StoredResource, string, Record<string, unknown>]>([
    [
      'a FederatedNamespace gives a Namespace of its name, without a namespace',
      stored('FederatedNamespace', 'shop', 'shop', { placement: { clusterSelector: {} } }),
      'core/Namespace//shop',
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'shop', labels: { [MANAGED_BY_LABEL]: 'fedhub' } },
      },
    ],
    [
      'a cluster-scoped kind has no namespace',
      stored('FederatedClusterRole', '', 'reader', {
        template: { rules: [] },
        placement: { clusterSelector: {} },
      }),
      'rbac.authorization.k8s.io/ClusterRole//reader',
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'reader', labels: { [MANAGED_BY_LABEL]: 'fedhub' } },
        rules: [],
      },
    ],
    [
      'template name, namespace and server-set metadata are replaced or dropped',
      stored('FederatedConfigMap', 'shop', 'cfg', {
        template: {
          metadata: { name: 'other', namespace: 'elsewhere', uid: 'u', resourceVersion: '3' },
          data: { a: '1' },
        },
        placement: { clusterSelector: {} },
      }),
      'core/ConfigMap/shop/cfg',
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'cfg', namespace: 'shop', labels: { [MANAGED_BY_LABEL]: 'fedhub' } },
        data: { a: '1' },
      },
    ],
    [
      'an override cannot rename the object or drop the managed-by label',
      stored('FederatedConfigMap', 'shop', 'cfg', {
        placement: { clusterSelector: {} },
        overrides: ['cluster1', 'cluster2'].map((clusterName) => ({
          clusterName,
          clusterOverrides: [
            { op: 'add', path: '/metadata', value: { name: 'evil', labels: { [MANAGED_BY_LABEL]: 'x' } } },
          ],
        })),
      }),
      'core/ConfigMap/shop/cfg',
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'cfg', namespace: 'shop', labels: { [MANAGED_BY_LABEL]: 'fedhub' } },
      },
    ],
  ])('%s', (_name, resource, key, manifest) => {
    const result = computeMemberObjects(resource, ctx());
    expect(result.errors).toEqual([]);
    expect(result.objects).toHaveLength(2);
    for (const o of result.objects) {
      expect(o.key).toBe(key);
      expect(o.manifest).toEqual(manifest);
    }
  });

  it('reports a cluster whose overrides do not apply as ApplyOverridesFailed and still builds the others', () => {
    const resource = sampleDeployment();
    (resource.body.spec as { overrides: unknown[] }).overrides = [
      { clusterName: 'cluster1', clusterOverrides: [{ path: '/spec/missing/field', op: 'add', value: 1 }] },
    ];
    const result = computeMemberObjects(resource, ctx());
    expect(result.objects.map((o) => o.cluster)).toEqual(['cluster2']);
    expect(result.errors).toEqual([
      {
        cluster: 'cluster1',
        source: 'FederatedDeployment/test-namespace/test-deployment',
        status: 'ApplyOverridesFailed',
        message:
          'override 0 (add /spec/missing/field): the parent of the path does not exist in the template',
      },
    ]);
    expect(result.placed).toEqual(['cluster1', 'cluster2']);
  });

  it('places on clusters that are not ready: only replica planning looks at readiness', () => {
    const result = computeMemberObjects(
      sampleDeployment(),
      ctx({ clusters: [cluster('cluster1', false), cluster('cluster2', false)] }),
    );
    expect(result.objects.map((o) => o.cluster)).toEqual(['cluster1', 'cluster2']);
  });

  it('never mutates the resource and orders objects by cluster', () => {
    const resource = sampleDeployment();
    const before = structuredClone(resource);
    const result = computeMemberObjects(resource, ctx({ clusters: [...clusters].reverse() }));
    (result.objects[0]?.manifest.metadata as { labels: Record<string, string> }).labels.app = 'changed';
    expect(resource).toEqual(before);
    expect(result.objects.map((o) => o.cluster)).toEqual(['cluster1', 'cluster2']);
  });

  it('throws for a kind the registry does not know', () => {
    expect(() => computeMemberObjects(stored('FederatedWidget', 'a', 'b', {}), ctx())).toThrow(
      /unknown federated kind/,
    );
  });
});

describe('computeMemberObjects with a ReplicaSchedulingPreference', () => {
  const web = (spec: Record<string, unknown> = {}) =>
    stored('FederatedDeployment', 'shop', 'web', {
      template: { spec: { replicas: 1 } },
      placement: { clusters: [{ name: 'c1' }] },
      ...spec,
    });
  const rsp = (spec: Record<string, unknown>) =>
    stored('ReplicaSchedulingPreference', 'shop', 'web', {
      targetKind: 'FederatedDeployment',
      totalReplicas: 6,
      ...spec,
    });
  const weighted = { clusters: { c1: { weight: 1 }, c2: { weight: 2 } } };
  const four = [
    cluster('c1', true, { tier: 'a' }),
    cluster('c2', true, { tier: 'b' }),
    cluster('c3', false, { tier: 'a' }),
    cluster('c4', true),
  ];

  it.each<
    [string, Partial<MemberObjectsContext> & { resource?: StoredResource }, Record<string, number>, string[]]
  >([
    [
      'without intersect every ready cluster is planned and one without a preference gets 0 replicas, not nothing',
      { rsp: rsp(weighted) },
      { c1: 2, c2: 4, c4: 0 },
      [],
    ],
    [
      'an empty clusters map reads as "*" with weight 1',
      { rsp: rsp({ totalReplicas: 3, clusters: {} }) },
      { c1: 1, c2: 1, c4: 1 },
      [],
    ],
    [
      'the planned count wins over an override of the replicas path, as kubefed rewrites it',
      {
        rsp: rsp(weighted),
        resource: web({
          overrides: [{ clusterName: 'c1', clusterOverrides: [{ path: '/spec/replicas', value: 9 }] }],
        }),
      },
      { c1: 2, c2: 4, c4: 0 },
      [],
    ],
    [
      'overflow is added to the plan, as kubefed sets plan + overflow',
      { rsp: rsp({ ...weighted, rebalance: true }), capacity: { c2: 3 } },
      { c1: 3, c2: 4, c4: 0 },
      [],
    ],
    [
      'with intersect and a selector only the selected ready clusters are planned (placement.clusters is ignored)',
      {
        rsp: rsp({ ...weighted, intersectWithClusterSelector: true }),
        resource: web({
          placement: { clusters: [{ name: 'c2' }], clusterSelector: { matchLabels: { tier: 'a' } } },
        }),
      },
      { c1: 6 },
      [],
    ],
    [
      'with intersect and no selector the placement clusters are planned',
      { rsp: rsp({ ...weighted, intersectWithClusterSelector: true }) },
      { c1: 6 },
      [],
    ],
    [
      'a not-ready candidate keeps the replicas last sent to it and is not planned',
      { rsp: rsp(weighted), previousReplicas: { c3: 2 }, currentReplicas: { c3: 1 } },
      { c1: 2, c2: 4, c3: 2, c4: 0 },
      ['c3'],
    ],
    [
      'a not-ready candidate without a last count keeps its current count',
      { rsp: rsp(weighted), currentReplicas: { c3: 1 } },
      { c1: 2, c2: 4, c3: 1, c4: 0 },
      ['c3'],
    ],
    [
      'with no ready cluster nothing is planned and known counts are held',
      {
        clusters: four.map((c) => ({ ...c, ready: false })),
        rsp: rsp(weighted),
        previousReplicas: { c1: 2, c2: 4 },
      },
      { c1: 2, c2: 4 },
      ['c1', 'c2'],
    ],
  ])('%s', (_name, { resource = web(), ...extra }, replicas, held) => {
    const result = computeMemberObjects(resource, ctx({ clusters: four, ...extra }));
    expect(result.errors).toEqual([]);
    expect(replicasOf(result)).toEqual(replicas);
    expect(result.placed).toEqual(Object.keys(replicas).sort());
    expect(result.held).toEqual(held);
    expect(result.plan).toBeDefined();
    expect(Object.keys(result.plan?.plan ?? {})).toEqual(
      Object.keys(replicas).filter((c) => !held.includes(c)),
    );
  });

  it('reports the plan and overflow it used', () => {
    const result = computeMemberObjects(
      web(),
      ctx({ clusters: four, rsp: rsp({ ...weighted, rebalance: true }), capacity: { c2: 3 } }),
    );
    expect(result.plan).toEqual({ plan: { c1: 3, c2: 3, c4: 0 }, overflow: { c2: 1 } });
  });

  it('sets replicas even when the template has no spec', () => {
    const result = computeMemberObjects(web({ template: {} }), ctx({ clusters: four, rsp: rsp(weighted) }));
    expect(result.objects.find((o) => o.cluster === 'c2')?.manifest.spec).toEqual({ replicas: 4 });
  });

  it.each<[string, StoredResource, StoredResource]>([
    ['a preference for another target kind', web(), rsp({ ...weighted, targetKind: 'FederatedReplicaSet' })],
    ['a preference with another name', web(), { ...rsp(weighted), name: 'api' }],
    [
      'a preference named like a kind without replicas',
      stored('FederatedConfigMap', 'shop', 'web', { placement: { clusters: [{ name: 'c1' }] } }),
      rsp(weighted),
    ],
  ])('ignores %s', (_name, resource, preference) => {
    const result = computeMemberObjects(resource, ctx({ clusters: four, rsp: preference }));
    expect(result.plan).toBeUndefined();
    expect(result.placed).toEqual(['c1']);
  });
});
