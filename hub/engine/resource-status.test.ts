// Pins how per-cluster status and the aggregate are derived from slices, agent reports and compute errors.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../store/store.ts';
import type { Engine } from './engine.ts';
import { openTestEngine, type TestEngine } from './test-engine.ts';
import type { ObjectStatusInput } from './status-writes.ts';

const deployment = (overrides = '[]') => `
apiVersion: types.kubefed.io/v1beta1
kind: FederatedDeployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      replicas: 2
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec: {containers: [{name: web, image: nginx}]}
  placement: {clusters: [{name: a}, {name: b}]}
  overrides: ${overrides}
`;
const KEY = 'apps/Deployment/shop/web';
const REF = { kind: 'FederatedDeployment', namespace: 'shop', name: 'web' };

let store: Store;
let engine: Engine;
const now = 1_000_000;

const status = () => engine.get(REF)['status'] as Record<string, unknown>;

let t: TestEngine;
const report = (cluster: string, over: Partial<ObjectStatusInput>) => t.report(cluster, KEY, over);
beforeEach(() => {
  t = openTestEngine({ prefix: 'status', now: () => now, clusters: ['a', 'b'] });
  ({ store, engine } = t);
});
afterEach(() => t.close());

describe('resource status', () => {
  it('sums ready and available replicas over the clusters once both report', () => {
    engine.apply(deployment());
    report('a', { replicas: 2, readyReplicas: 2, availableReplicas: 2 });
    expect(status()).toMatchObject({ conditions: [{ status: 'Unknown', reason: 'Pending' }] });
    report('b', { replicas: 2, readyReplicas: 1, availableReplicas: 1 });
    expect(status()).toMatchObject({
      conditions: [{ type: 'Propagation', status: 'True' }],
      clusters: [
        { cluster: 'a', status: 'Ok' },
        { cluster: 'b', status: 'Ok' },
      ],
      replicas: 4,
      readyReplicas: 3,
      availableReplicas: 3,
    });
  });

  it('shows a report for an older revision as Pending after an update', () => {
    engine.apply(deployment());
    report('a', {});
    report('b', {});
    engine.apply(deployment().replace('replicas: 2', 'replicas: 3'));
    expect(status()).toMatchObject({ clusters: [{ status: 'Pending' }, { status: 'Pending' }] });
  });

  it('records an override that does not apply as ApplyOverridesFailed for that cluster only', () => {
    engine.apply(
      deployment('[{clusterName: b, clusterOverrides: [{path: /spec/nothere/deeper, value: 1}]}]'),
    );
    expect(store.slices.get('a', KEY)).toMatchObject({ deleted: false });
    expect(store.slices.get('b', KEY)).toBeUndefined();
    expect(status()).toMatchObject({
      conditions: [{ status: 'False', reason: 'ApplyOverridesFailed' }],
      clusters: [
        { cluster: 'a', status: 'Pending' },
        { cluster: 'b', status: 'ApplyOverridesFailed' },
      ],
    });
    engine.labelCluster('a', { zone: 'z1' }, true);
    expect(store.status.listComputeErrors('FederatedDeployment/shop/web')).toMatchObject([{ cluster: 'b' }]);
    engine.apply(deployment());
    expect(store.status.listComputeErrors('FederatedDeployment/shop/web')).toEqual([]);
    expect(store.slices.get('b', KEY)).toMatchObject({ deleted: false });
  });

  it('reports a failure from the member with its message', () => {
    engine.apply(deployment());
    report('a', { status: 'CreationFailed', message: 'admission webhook denied', health: 'Unknown' });
    expect(status()).toMatchObject({
      conditions: [
        {
          status: 'False',
          reason: 'CreationFailed',
          message: expect.stringContaining('admission webhook denied'),
        },
      ],
    });
  });

  it('marks an unready cluster without a current report ClusterNotReady', () => {
    engine.apply(deployment());
    engine.heartbeat(store.clusters.get('a')!, {
      health: 'Unhealthy',
      message: '',
      facts: {},
      appliedRevision: 0,
    });
    expect(status()).toMatchObject({
      clusters: [{ cluster: 'a', status: 'ClusterNotReady' }, { cluster: 'b' }],
    });
  });
});
