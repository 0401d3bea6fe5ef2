// Pins how the agent applies a slice to a real member: dependency order, server-side apply under one field manager, implicit namespaces, the ledger, AlreadyExists, API-server errors in status, and Deployment status.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIELD_MANAGER, MANAGED_BY_LABEL } from '../../shared/vocabulary.ts';
import { testMembers, type MemberInfo } from '../harness/members.ts';
import { startScriptedHub, type ScriptedHub } from './scripted-hub.ts';
import {
  configMap,
  deployment,
  kubeGet,
  kubeSend,
  meta,
  namespaceObj,
  startTestAgent,
  suffix,
  until,
  type AgentUnderTest,
} from './support.ts';

let member: MemberInfo;
let hub: ScriptedHub;
let a: AgentUnderTest;
const id = suffix();
const ns = `apply-${id}`;
const agentNs = `fedhub-apply-${id}`;
const group = `e2e${id}.fedhub.io`;

const crd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `widgets.${group}` },
  spec: {
    group,
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      },
    ],
  },
};

beforeAll(async () => {
  member = testMembers()[0]!;
  hub = await startScriptedHub({ hubId: `hub-${id}` });
  // One snapshot holding a namespace, a CRD and a resource of that CRD, RBAC, config and a workload:
  // it only converges when the agent applies them in dependency order.
  hub.upsert({ apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'w', namespace: ns }, size: 3 });
  hub.upsert(deployment(ns, 'web', 2));
  hub.upsert(configMap(ns, 'settings', { mode: 'blue' }));
  hub.upsert({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web', namespace: ns } });
  hub.upsert({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'reader', namespace: ns },
    rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }],
  });
  hub.upsert(crd);
  hub.upsert(namespaceObj(ns));
  a = await startTestAgent(member, hub, { namespace: agentNs });
});

afterAll(async () => {
  await a?.agent.stop();
  await hub?.stop();
});

describe('agent applying a slice', () => {
  it('applies every object, including a custom resource whose CRD is in the same snapshot, and reports Ok', async () => {
    await until(
      'all Ok',
      () =>
        hub.statuses.size === 7 && [...hub.statuses.values()].every((s) => s.status === 'Ok')
          ? true
          : undefined,
      90_000,
    );
    const w = await kubeGet(member, `/apis/${group}/v1/namespaces/${ns}/widgets/w`);
    expect(w?.['size']).toBe(3);
    // In one pass: the custom resource was never reported failed while its CRD was being established.
    const widgetStatuses = hub.reports
      .flatMap((r) => r.objects)
      .filter((o) => o.key === `${group}/Widget/${ns}/w`);
    expect(widgetStatuses.map((o) => o.status)).not.toContain('CreationFailed');
    expect(hub.reports.at(-1)?.appliedRevision).toBe(hub.revision);
  });

  it('applies server-side under the fedhub field manager with the managed-by label', async () => {
    const cm = await kubeGet(member, `/api/v1/namespaces/${ns}/configmaps/settings`);
    const managers = (meta(cm)['managedFields'] as Array<{ manager: string; operation: string }>).map(
      (f) => `${f.manager}:${f.operation}`,
    );
    expect(managers).toContain(`${FIELD_MANAGER}:Apply`);
    expect((meta(cm)['labels'] as Record<string, string>)[MANAGED_BY_LABEL]).toBe('fedhub');
  });

  it('records what it applied in the ownership ledger in its own namespace', async () => {
    const list = await kubeGet(
      member,
      `/api/v1/namespaces/${agentNs}/configmaps?labelSelector=fedhub.io/ledger=true`,
    );
    const items = list?.['items'] as Array<{ data: Record<string, string> }>;
    const entries = Object.assign(
      {},
      ...items.map((i) => JSON.parse(i.data['entries.json']!) as object),
    ) as Record<string, { hubId: string }>;
    expect(Object.keys(entries)).toContain(`core/ConfigMap/${ns}/settings`);
    expect(Object.keys(entries)).toContain(`${group}/Widget/${ns}/w`);
    expect(entries[`core/ConfigMap/${ns}/settings`]?.hubId).toBe(hub.hubId);
  });

  it('creates a missing target namespace and marks it managed', async () => {
    const other = `implicit-${id}`;
    const key = hub.upsert(configMap(other, 'lonely', { a: '1' }));
    await until('lonely Ok', () => (hub.statuses.get(key)?.status === 'Ok' ? true : undefined));
    const n = await kubeGet(member, `/api/v1/namespaces/${other}`);
    expect((meta(n)['labels'] as Record<string, string>)[MANAGED_BY_LABEL]).toBe('fedhub');
  });

  it('leaves an existing object it did not create alone and reports AlreadyExists', async () => {
    await kubeSend(
      member,
      'POST',
      `/api/v1/namespaces/${ns}/configmaps`,
      configMap(ns, 'theirs', { owner: 'someone' }),
    );
    const key = hub.upsert(configMap(ns, 'theirs', { owner: 'fedhub' }));
    const s = await until('AlreadyExists', () =>
      hub.statuses.get(key)?.status === 'AlreadyExists' ? hub.statuses.get(key) : undefined,
    );
    expect(s.message).toMatch(/not created by fedhub/);
    const live = await kubeGet(member, `/api/v1/namespaces/${ns}/configmaps/theirs`);
    expect(live?.['data']).toEqual({ owner: 'someone' });
    // and a tombstone for it does not delete it
    hub.remove(key);
    await until('status forgotten', () => (hub.statuses.has(key) ? undefined : true));
    expect(await kubeGet(member, `/api/v1/namespaces/${ns}/configmaps/theirs`)).toBeDefined();
  });

  it('puts the API server message of a rejected object in its status and still applies the others', async () => {
    const bad = hub.upsert({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'bad', namespace: ns },
      spec: { ports: [{ port: 99999 }] },
    });
    const good = hub.upsert(configMap(ns, 'after-bad', { ok: 'yes' }));
    const s = await until('CreationFailed', () =>
      hub.statuses.get(bad)?.status === 'CreationFailed' ? hub.statuses.get(bad) : undefined,
    );
    expect(s.message).toMatch(/spec\.ports\[0\]\.port: Invalid value: 99999/);
    await until('good Ok', () => (hub.statuses.get(good)?.status === 'Ok' ? true : undefined));
  });

  it('reports a Deployment reaching its ready replicas, healthy', async () => {
    const key = `apps/Deployment/${ns}/web`;
    const s = await until(
      'web ready',
      () => (hub.statuses.get(key)?.readyReplicas === 2 ? hub.statuses.get(key) : undefined),
      120_000,
    );
    await until(
      'web Healthy',
      () => (hub.statuses.get(key)?.health === 'Healthy' ? true : undefined),
      30_000,
    );
    expect(s).toMatchObject({ status: 'Ok', replicas: 2 });
  });

  it('counts pods the scheduler cannot place, and since when', async () => {
    const stuck = deployment(ns, 'stuck', 2);
    const podSpec = (
      (stuck['spec'] as Record<string, unknown>)['template'] as Record<string, Record<string, unknown>>
    )['spec']!;
    podSpec['nodeSelector'] = { 'fedhub.io/no-such-node': 'true' };
    const key = hub.upsert(stuck);
    const s = await until(
      'unschedulable',
      () => ((hub.statuses.get(key)?.unschedulableReplicas ?? 0) === 2 ? hub.statuses.get(key) : undefined),
      60_000,
    );
    expect(s.health).toBe('Progressing');
    expect(Number((s as unknown as { unschedulableSinceMs: number }).unschedulableSinceMs)).toBeGreaterThan(
      Date.now() - 120_000,
    );
  });

  it('refuses a binding to cluster-admin with status Denied and creates nothing', async () => {
    const key = hub.upsert({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: `escalate-${id}` },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'ServiceAccount', name: 'web', namespace: ns }],
    });
    const s = await until('Denied', () =>
      hub.statuses.get(key)?.status === 'Denied' ? hub.statuses.get(key) : undefined,
    );
    expect(s.message).toMatch(/cluster-admin/);
    expect(
      await kubeGet(member, `/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/escalate-${id}`),
    ).toBeUndefined();
  });

  it('updates an object when its desired content changes', async () => {
    const key = hub.upsert(configMap(ns, 'settings', { mode: 'green' }));
    await until('green', async () => {
      const cm = await kubeGet(member, `/api/v1/namespaces/${ns}/configmaps/settings`);
      return (cm?.['data'] as Record<string, string>)['mode'] === 'green' ? true : undefined;
    });
    await until('revision in status', () =>
      hub.statuses.get(key)?.revision === hub.revision ? true : undefined,
    );
  });
});
