// Pins AdminService over real gRPC: the REST operations with named errors mapped to gRPC status codes.
import { status as grpcStatus } from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GrpcClient } from '../../test/hub/support/grpc-clients.ts';
import { startTestHub, type TestHub } from '../../test/hub/support/hub-fixture.ts';

type Msg = Record<string, unknown>;
const cm = (value: string) => `
apiVersion: types.kubefed.io/v1beta1
kind: FederatedConfigMap
metadata: {name: cfg, namespace: web, labels: {app: x}}
spec:
  template: {data: {k: ${value}}}
  placement: {clusterSelector: {matchLabels: {env: prod}}}
`;

let t: TestHub;
let admin: GrpcClient;

beforeEach(async () => {
  t = await startTestHub({ tls: true });
  admin = t.grpc('AdminService');
  for (const [name, env] of [
    ['a', 'prod'],
    ['b', 'dev'],
  ] as const) {
    const { token } = t.hub.engine.createBootstrapToken({});
    t.hub.engine.register({
      clusterName: name,
      labels: { env },
      facts: {},
      bootstrapToken: token,
      credential: undefined,
    });
  }
});
afterEach(async () => {
  admin.close();
  await t.close();
});

describe('AdminService', () => {
  it('applies, reports unchanged, gets, lists and deletes', async () => {
    const created = await admin.call<{ results: Msg[] }>('Apply', { documents: cm('v1') });
    expect(created.results).toEqual([
      expect.objectContaining({
        kind: 'FederatedConfigMap',
        namespace: 'web',
        name: 'cfg',
        result: 'created',
        generation: 1,
      }),
    ]);
    const again = await admin.call<{ results: Msg[] }>('Apply', { documents: cm('v1') });
    expect(again.results[0]).toMatchObject({ result: 'unchanged' });
    const got = await admin.call<{ objectJson: string }>('Get', {
      kind: 'FederatedConfigMap',
      namespace: 'web',
      name: 'cfg',
    });
    expect(JSON.parse(got.objectJson)).toMatchObject({
      status: { clusters: [{ cluster: 'a', status: 'Pending' }] },
    });
    const listed = await admin.call<{ objectsJson: string[] }>('List', { labelSelector: 'app in (x,y)' });
    expect(listed.objectsJson.length).toBe(1);
    expect(await admin.call('Delete', { kind: 'FederatedConfigMap', namespace: 'web', name: 'cfg' })).toEqual(
      { deleted: true },
    );
    expect(t.hub.store.slices.get('a', 'core/ConfigMap/web/cfg')).toMatchObject({ deleted: true });
  });

  it.each([
    [
      'an invalid document',
      'Apply',
      { documents: 'kind: FederatedGizmo\nmetadata: {name: x}' },
      grpcStatus.INVALID_ARGUMENT,
    ],
    ['an invalid label selector', 'List', { labelSelector: 'a in (' }, grpcStatus.INVALID_ARGUMENT],
    [
      'a missing resource',
      'Get',
      { kind: 'FederatedConfigMap', namespace: 'web', name: 'nope' },
      grpcStatus.NOT_FOUND,
    ],
    [
      'deleting a missing resource',
      'Delete',
      { kind: 'FederatedConfigMap', namespace: 'web', name: 'nope' },
      grpcStatus.NOT_FOUND,
    ],
    ['a missing cluster', 'GetCluster', { name: 'zz' }, grpcStatus.NOT_FOUND],
    ['labels that are not JSON', 'LabelCluster', { name: 'a', labelsJson: '{' }, grpcStatus.INVALID_ARGUMENT],
    [
      'changing a label without overwrite',
      'LabelCluster',
      { name: 'a', labelsJson: '{"env":"dev"}' },
      grpcStatus.ALREADY_EXISTS,
    ],
  ])('answers %s with its status code and changes nothing', async (_name, method, req, code) => {
    const changes = t.hub.store.totalChanges();
    await expect(admin.call(method, req)).rejects.toMatchObject({ code, details: expect.any(String) });
    expect(t.hub.store.totalChanges()).toBe(changes);
  });

  it('labels a cluster and moves the placement with it', async () => {
    await admin.call('Apply', { documents: cm('v1') });
    const res = await admin.call<{ clusterJson: string }>('LabelCluster', {
      name: 'b',
      labelsJson: '{"env":"prod"}',
      overwrite: true,
    });
    expect(JSON.parse(res.clusterJson)).toMatchObject({ name: 'b', labels: { env: 'prod' } });
    expect(t.hub.store.slices.get('b', 'core/ConfigMap/web/cfg')).toMatchObject({ deleted: false });
    const list = await admin.call<{ clustersJson: string[] }>('ListClusters', { labelSelector: 'env=prod' });
    expect(list.clustersJson.map((c) => JSON.parse(c).name)).toEqual(['a', 'b']);
  });

  it('creates bootstrap tokens with the hub defaults when asked for 0', async () => {
    const res = await admin.call<Msg>('CreateBootstrapToken', { description: 'ci' });
    expect(res).toMatchObject({ maxUses: 1, token: expect.stringMatching(/^fhb_[0-9a-f]{16}\./) });
    const stored = t.hub.store.tokens.get(String(res['id']))!;
    expect(stored.expiresAt - stored.createdAt).toBe(24 * 3_600_000);
    expect(stored.description).toBe('ci');
  });
});
