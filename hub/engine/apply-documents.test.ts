// Pins what one submission recomputes: type configs re-drive their kind, RSPs re-plan their target, batches are all-or-nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../shared/errors.ts';
import type { Store } from '../store/store.ts';
import type { Engine } from './engine.ts';
import { openTestEngine, type TestEngine } from './test-engine.ts';

const typeConfig = `
apiVersion: core.kubefed.io/v1beta1
kind: FederatedTypeConfig
metadata: {name: widgets.example.com}
spec:
  targetType: {group: example.com, version: v1, kind: Widget, pluralName: widgets, scope: Namespaced}
  federatedType: {group: types.kubefed.io, version: v1beta1, kind: FederatedWidget, pluralName: federatedwidgets, scope: Namespaced}
`;
const widget = `
apiVersion: types.kubefed.io/v1beta1
kind: FederatedWidget
metadata: {name: w, namespace: shop}
spec:
  template: {spec: {size: 3}}
  placement: {clusterSelector: {}}
`;
const deployment = `
apiVersion: types.kubefed.io/v1beta1
kind: FederatedDeployment
metadata: {name: web, namespace: shop}
spec:
  template: {spec: {replicas: 4}}
  placement: {clusters: [{name: a}, {name: b}]}
`;
const rsp = (total: number) => `
apiVersion: scheduling.kubefed.io/v1alpha1
kind: ReplicaSchedulingPreference
metadata: {name: web, namespace: shop}
spec:
  targetKind: FederatedDeployment
  totalReplicas: ${total}
  clusters: {a: {weight: 3}, b: {weight: 1}}
`;

let store: Store;
let engine: Engine;

const replicasIn = (cluster: string) => {
  const row = store.slices.get(cluster, 'apps/Deployment/shop/web')!;
  return (JSON.parse(row.manifest!) as { spec: { replicas: number } }).spec.replicas;
};

let t: TestEngine;
beforeEach(() => {
  t = openTestEngine({ prefix: 'apply', now: () => 1_000_000, clusters: ['a', 'b'] });
  ({ store, engine } = t);
});
afterEach(() => t.close());

describe('applyDocuments', () => {
  it('accepts a federated kind registered by a type config in the same batch, and removes its objects with it', () => {
    const results = engine.apply(typeConfig + '---' + widget);
    expect(results.map((r) => [r.kind, r.result])).toEqual([
      ['FederatedTypeConfig', 'created'],
      ['FederatedWidget', 'created'],
    ]);
    const manifest = JSON.parse(store.slices.get('a', 'example.com/Widget/shop/w')!.manifest!);
    expect(manifest).toMatchObject({ apiVersion: 'example.com/v1', kind: 'Widget', spec: { size: 3 } });
    expect(store.slices.listLive('a').map((r) => r.key)).toEqual(['example.com/Widget/shop/w']);

    engine.delete({ kind: 'FederatedTypeConfig', namespace: '', name: 'widgets.example.com' });
    expect(store.slices.get('a', 'example.com/Widget/shop/w')).toMatchObject({ deleted: true });
  });

  it('plans replicas when an RSP arrives and goes back to the template when it leaves', () => {
    engine.apply(deployment);
    expect([replicasIn('a'), replicasIn('b')]).toEqual([4, 4]);
    engine.apply(rsp(8));
    expect([replicasIn('a'), replicasIn('b')]).toEqual([6, 2]);
    const revision = store.meta.revision();
    expect(engine.apply(rsp(8))[0]!.result).toBe('unchanged');
    expect(store.meta.revision()).toBe(revision);
    engine.delete({ kind: 'ReplicaSchedulingPreference', namespace: 'shop', name: 'web' });
    expect([replicasIn('a'), replicasIn('b')]).toEqual([4, 4]);
  });

  it('re-plans replicas away from a cluster that stops being ready, and gives them back without shrinking b first', () => {
    engine.apply(deployment + '---' + rsp(8));
    expect([replicasIn('a'), replicasIn('b')]).toEqual([6, 2]);
    expect(engine.setClusterReady('a', false)).toBe(true);
    expect(replicasIn('b')).toBe(8);
    expect(engine.setClusterReady('a', false)).toBe(false);
    engine.setClusterReady('a', true);
    // Make before break: b keeps its replicas until a reports its share ready (see failover tests).
    expect([replicasIn('a'), replicasIn('b')]).toEqual([6, 8]);
  });

  it('gives a newly registered cluster its objects without rewriting the others', () => {
    engine.apply(
      widget.replace('FederatedWidget', 'FederatedConfigMap').replace('{spec: {size: 3}}', '{data: {a: b}}'),
    );
    const before = store.slices.get('a', 'core/ConfigMap/shop/w')!.revision;
    const { token } = engine.createBootstrapToken({});
    engine.register({
      clusterName: 'c',
      labels: {},
      facts: {},
      bootstrapToken: token,
      credential: undefined,
    });
    expect(store.slices.get('c', 'core/ConfigMap/shop/w')).toMatchObject({
      deleted: false,
      revision: before + 1,
    });
    expect(store.slices.get('a', 'core/ConfigMap/shop/w')!.revision).toBe(before);
  });

  it.each([
    ['the same resource twice', deployment + '---' + deployment, /is also document 1/],
    [
      'a valid document followed by an invalid one',
      deployment + '---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}',
      /unknown kind/,
    ],
  ])('rejects a batch with %s and stores nothing', (_name, text, message) => {
    const changes = store.totalChanges();
    expect(() => engine.apply(text)).toThrow(ValidationError);
    expect(() => engine.apply(text)).toThrow(message);
    expect(store.totalChanges()).toBe(changes);
  });

  it('writes only the clusters whose object changed', () => {
    engine.apply(deployment.replace('[{name: a}, {name: b}]', '[{name: a}]'));
    const before = store.slices.get('a', 'apps/Deployment/shop/web')!.revision;
    engine.apply(deployment);
    expect(store.slices.get('a', 'apps/Deployment/shop/web')!.revision).toBe(before);
    expect(store.slices.get('b', 'apps/Deployment/shop/web')!.revision).toBe(before + 1);
  });
});
