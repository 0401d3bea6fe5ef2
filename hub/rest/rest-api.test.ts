// Pins the REST submission API against a real hub (SQLite file, port 0): apply/re-apply/update/delete, rejections that store nothing, restart.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../../test/hub/support/hub-fixture.ts';

const configMap = (data: string, clusters = '[{name: a}, {name: b}]') => `
apiVersion: types.kubefed.io/v1beta1
kind: FederatedConfigMap
metadata: {name: cfg, namespace: web, labels: {team: blue}}
spec:
  template: {data: {k: ${JSON.stringify(data)}}}
  placement: {clusters: ${clusters}}
`;

const namespaceDoc = `
apiVersion: types.kubefed.io/v1beta1
kind: FederatedNamespace
metadata: {name: web, namespace: web}
spec:
  placement: {clusterSelector: {}}
`;

let t: TestHub;

async function registerCluster(name: string, labels: Record<string, string> = {}): Promise<void> {
  const { token } = t.hub.engine.createBootstrapToken({});
  t.hub.engine.register({
    clusterName: name,
    labels,
    facts: {},
    bootstrapToken: token,
    credential: undefined,
  });
}

const liveSlice = (cluster: string) => t.hub.store.slices.listLive(cluster).map((r) => r.key);

beforeEach(async () => {
  t = await startTestHub({ tls: true });
  await registerCluster('a', { env: 'prod' });
  await registerCluster('b', { env: 'dev' });
});
afterEach(async () => {
  await t.close();
});

describe('REST submission', () => {
  it('creates, leaves unchanged, configures and deletes, with revisions only for real changes', async () => {
    const first = await t.http('POST', '/apis/v1/apply', namespaceDoc + '---' + configMap('v1'));
    expect(first.status).toBe(200);
    expect((first.body['results'] as Array<{ result: string }>).map((r) => r.result)).toEqual([
      'created',
      'created',
    ]);
    expect(liveSlice('a')).toEqual(['core/ConfigMap/web/cfg', 'core/Namespace//web']);
    const revision = t.hub.store.meta.revision();
    const changes = t.hub.store.totalChanges();
    const updatedAt = t.hub.store.resources.get('FederatedConfigMap', 'web', 'cfg')!.updatedAt;

    const again = await t.http('POST', '/apis/v1/apply', configMap('v1'));
    expect(again.body['results']).toEqual([
      expect.objectContaining({ kind: 'FederatedConfigMap', result: 'unchanged', generation: 1 }),
    ]);
    expect(t.hub.store.meta.revision()).toBe(revision);
    expect(t.hub.store.totalChanges()).toBe(changes);
    expect(t.hub.store.resources.get('FederatedConfigMap', 'web', 'cfg')!.updatedAt).toBe(updatedAt);

    const updated = await t.http('POST', '/apis/v1/apply', configMap('v2'));
    expect(updated.body['results']).toEqual([
      expect.objectContaining({ result: 'configured', generation: 2 }),
    ]);
    expect(t.hub.store.meta.revision()).toBe(revision + 1);
    const manifest = JSON.parse(t.hub.store.slices.get('a', 'core/ConfigMap/web/cfg')!.manifest!);
    expect(manifest.data).toEqual({ k: 'v2' });

    const deleted = await t.http('DELETE', '/apis/v1/resources/FederatedConfigMap/web/cfg');
    expect(deleted.status).toBe(200);
    for (const cluster of ['a', 'b']) {
      expect(t.hub.store.slices.get(cluster, 'core/ConfigMap/web/cfg')).toMatchObject({
        deleted: true,
        manifest: null,
      });
    }
    expect((await t.http('GET', '/apis/v1/resources/FederatedConfigMap/web/cfg')).status).toBe(404);
    expect((await t.http('DELETE', '/apis/v1/resources/FederatedConfigMap/web/cfg')).status).toBe(404);
  });

  it('tombstones only the cluster a placement change drops', async () => {
    await t.http('POST', '/apis/v1/apply', configMap('v1'));
    await t.http('POST', '/apis/v1/apply', configMap('v1', '[{name: a}]'));
    expect(t.hub.store.slices.get('a', 'core/ConfigMap/web/cfg')).toMatchObject({ deleted: false });
    expect(t.hub.store.slices.get('b', 'core/ConfigMap/web/cfg')).toMatchObject({ deleted: true });
  });

  it('answers a dry run with the results and stores nothing', async () => {
    const revision = t.hub.store.meta.revision();
    const res = await t.http('POST', '/apis/v1/apply?dryRun=true', configMap('v1'));
    expect(res.body).toMatchObject({ dryRun: true, results: [{ result: 'created', generation: 1 }] });
    expect(t.hub.store.resources.list()).toEqual([]);
    expect(t.hub.store.meta.revision()).toBe(revision);
    expect(liveSlice('a')).toEqual([]);
  });

  it('accepts JSON documents and a JSON list', async () => {
    const doc = {
      apiVersion: 'types.kubefed.io/v1beta1',
      kind: 'FederatedConfigMap',
      metadata: { name: 'j', namespace: 'web' },
      spec: { template: { data: { a: 'b' } }, placement: { clusters: [{ name: 'a' }] } },
    };
    const res = await t.http('POST', '/apis/v1/apply', JSON.stringify(doc), 'application/json');
    expect(res.body['results']).toEqual([expect.objectContaining({ name: 'j', result: 'created' })]);
  });

  it('lists by kind, namespace and label selector, and reads one with per-cluster status', async () => {
    await t.http('POST', '/apis/v1/apply', namespaceDoc + '---' + configMap('v1'));
    const byKind = await t.http('GET', '/apis/v1/resources?kind=FederatedConfigMap');
    expect((byKind.body['items'] as unknown[]).length).toBe(1);
    const bySelector = await t.http('GET', '/apis/v1/resources?labelSelector=team%3Dblue');
    expect((bySelector.body['items'] as Array<{ kind: string }>).map((i) => i.kind)).toEqual([
      'FederatedConfigMap',
    ]);
    const none = await t.http('GET', '/apis/v1/resources?labelSelector=team%3Dred');
    expect(none.body['items']).toEqual([]);
    const one = await t.http('GET', '/apis/v1/resources/FederatedConfigMap/web/cfg');
    expect(one.body).toMatchObject({
      metadata: { name: 'cfg', generation: 1 },
      status: {
        clusters: [
          { cluster: 'a', status: 'Pending' },
          { cluster: 'b', status: 'Pending' },
        ],
        conditions: [{ type: 'Propagation', status: 'Unknown', reason: 'Pending' }],
      },
    });
  });
});

describe('REST rejections', () => {
  const deployment = (spec: string) => `
apiVersion: types.kubefed.io/v1beta1
kind: FederatedDeployment
metadata: {name: d, namespace: web}
spec:
${spec}
`;
  it.each([
    ['malformed YAML', 'kind: [unclosed', 'application/yaml', 400, /yaml|YAML|malformed|parse/i],
    [
      'an unknown kind',
      'apiVersion: types.kubefed.io/v1beta1\nkind: FederatedGizmo\nmetadata: {name: x, namespace: y}\n',
      'application/yaml',
      422,
      /kind/,
    ],
    [
      'a missing name',
      'apiVersion: types.kubefed.io/v1beta1\nkind: FederatedConfigMap\nmetadata: {namespace: y}\nspec: {template: {}, placement: {clusters: []}}\n',
      'application/yaml',
      422,
      /metadata\.name/,
    ],
    [
      'an invalid selector',
      deployment(
        '  template: {}\n  placement: {clusterSelector: {matchExpressions: [{key: env, operator: Near}]}}',
      ),
      'application/yaml',
      422,
      /operator|matchExpressions/,
    ],
    [
      'negative replicas',
      deployment('  template: {spec: {replicas: -1}}\n  placement: {clusters: []}'),
      'application/yaml',
      422,
      /replicas/,
    ],
    [
      'non-integer replicas',
      deployment('  template: {spec: {replicas: 1.5}}\n  placement: {clusters: []}'),
      'application/yaml',
      422,
      /replicas/,
    ],
    [
      'an override of metadata.name',
      deployment(
        '  template: {}\n  placement: {clusters: []}\n  overrides: [{clusterName: a, clusterOverrides: [{path: /metadata/name, value: x}]}]',
      ),
      'application/yaml',
      422,
      /overrides/,
    ],
    ['an unsupported content type', 'x', 'application/xml', 415, /content-type|media type|Unsupported/i],
  ])('rejects %s with its message and stores nothing', async (_name, body, type, code, message) => {
    const res = await t.http('POST', '/apis/v1/apply', configMap('ok') + '---\n' + body, type);
    expect(res.status).toBe(code);
    expect(res.body).toMatchObject({ kind: 'Status', code });
    expect(String(res.body['message'])).toMatch(message);
    expect(t.hub.store.resources.list()).toEqual([]);
    expect(t.hub.store.meta.revision()).toBe(0);
  });

  it.each([
    ['a document over the document limit', () => configMap('x'.repeat(t.config.maxDocumentBytes))],
    ['a request over the body limit', () => configMap('x'.repeat(t.config.maxRequestBytes))],
  ])('rejects %s with 413 and stores nothing', async (_name, body) => {
    const res = await t.http('POST', '/apis/v1/apply', body());
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ kind: 'Status', code: 413, reason: 'RequestEntityTooLarge' });
    expect(t.hub.store.resources.list()).toEqual([]);
  });

  it.each([
    ['an empty body', ''],
    ['only comments', '# nothing here\n---\n'],
  ])('rejects %s as a bad request', async (_name, body) => {
    const res = await t.http('POST', '/apis/v1/apply', body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ reason: 'BadRequest', message: expect.stringMatching(/no documents/) });
  });

  it('points at the failing document of a batch', async () => {
    const res = await t.http(
      'POST',
      '/apis/v1/apply',
      configMap('ok') +
        '---\napiVersion: types.kubefed.io/v1beta1\nkind: FederatedGizmo\nmetadata: {name: x}\n',
    );
    expect(res.status).toBe(422);
    expect(res.body['details']).toMatchObject({ document: 2, field: 'kind' });
  });
});

describe('REST durability and clusters', () => {
  it('keeps resources, slices and clusters across a restart', async () => {
    await t.http('POST', '/apis/v1/apply', configMap('v1'));
    const hubId = t.hub.hubId;
    const revision = t.hub.store.meta.revision();
    await t.restart();
    expect(t.hub.hubId).toBe(hubId);
    expect(t.hub.store.meta.revision()).toBe(revision);
    expect((await t.http('GET', '/apis/v1/resources/FederatedConfigMap/web/cfg')).status).toBe(200);
    expect(liveSlice('b')).toEqual(['core/ConfigMap/web/cfg']);
    const again = await t.http('POST', '/apis/v1/apply', configMap('v1'));
    expect(again.body['results']).toEqual([expect.objectContaining({ result: 'unchanged' })]);
  });

  it('merges cluster labels, removes with null and recomputes placement', async () => {
    await t.http(
      'POST',
      '/apis/v1/apply',
      namespaceDoc.replace('{clusterSelector: {}}', '{clusterSelector: {matchLabels: {tier: gold}}}'),
    );
    expect(liveSlice('a')).toEqual([]);
    const patched = await t.http('PATCH', '/apis/v1/clusters/a/labels', { tier: 'gold', env: null });
    expect(patched.status).toBe(200);
    expect(patched.body['labels']).toEqual({ tier: 'gold' });
    expect(liveSlice('a')).toEqual(['core/Namespace//web']);
    const list = await t.http('GET', '/apis/v1/clusters?labelSelector=tier%3Dgold');
    expect((list.body['items'] as Array<{ name: string }>).map((c) => c.name)).toEqual(['a']);
    expect((await t.http('GET', '/apis/v1/clusters/zz')).status).toBe(404);
    const bad = await t.http('PATCH', '/apis/v1/clusters/a/labels', { 'bad key!': 'x' });
    expect(bad.status).toBe(422);
  });

  it('creates bootstrap tokens with the asked lifetime and uses', async () => {
    const res = await t.http('POST', '/apis/v1/bootstrap-tokens', { ttlMs: 60_000, maxUses: 3 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ maxUses: 3, token: expect.stringMatching(/^fhb_/) });
    const stored = t.hub.store.tokens.get(String(res.body['id']))!;
    expect(stored.hash).not.toContain(String(res.body['token']).split('.')[1]);
    expect(stored.expiresAt - stored.createdAt).toBe(60_000);
  });

  it('answers health and readiness', async () => {
    expect((await t.http('GET', '/healthz')).status).toBe(200);
    expect((await t.http('GET', '/readyz')).body).toEqual({ status: 'ok' });
  });
});
