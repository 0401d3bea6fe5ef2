// Pins that the agent works with exactly the RBAC computeAgentRbac grants (a real service-account token, no admin), and that a kind outside it fails with the API server's message.
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeAgentRbac } from '../../agent/core/rbac.ts';
import { testMembers, type MemberInfo } from '../harness/members.ts';
import { startScriptedHub, type ScriptedHub } from './scripted-hub.ts';
import {
  configMap,
  deployment,
  kubeGet,
  kubeSend,
  namespaceObj,
  startTestAgent,
  suffix,
  until,
  type AgentUnderTest,
} from './support.ts';

let admin: MemberInfo;
let hub: ScriptedHub;
let a: AgentUnderTest;
const id = suffix();
const ns = `rbac-${id}`;
const agentNs = `fedhub-rbac-${id}`;

const pathOf = (o: Record<string, unknown>): string => {
  const kind = String(o['kind']);
  const md = o['metadata'] as { name: string; namespace?: string };
  const plural = {
    ClusterRole: 'clusterroles',
    ClusterRoleBinding: 'clusterrolebindings',
    Role: 'roles',
    RoleBinding: 'rolebindings',
  }[kind]!;
  return `/apis/rbac.authorization.k8s.io/v1${md.namespace ? `/namespaces/${md.namespace}` : ''}/${plural}`;
};

beforeAll(async () => {
  admin = testMembers()[2]!;
  // The agent's namespace, service account and exactly the documented RBAC, created by an admin.
  await kubeSend(admin, 'POST', '/api/v1/namespaces', namespaceObj(agentNs));
  await kubeSend(admin, 'POST', `/api/v1/namespaces/${agentNs}/serviceaccounts`, {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'fedhub-agent' },
  });
  for (const o of computeAgentRbac({
    agentNamespace: agentNs,
    managed: [
      { group: '', resource: 'namespaces' },
      { group: '', resource: 'configmaps' },
      { group: 'apps', resource: 'deployments' },
    ],
  })) {
    await kubeSend(admin, 'POST', pathOf(o), o);
  }
  // Services without delete: a tombstone for one must end in DeletionFailed, not silence.
  await kubeSend(admin, 'POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: `fedhub-agent-services-${id}` },
    rules: [{ apiGroups: [''], resources: ['services'], verbs: ['get', 'list', 'watch', 'create', 'patch'] }],
  });
  await kubeSend(admin, 'POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: `fedhub-agent-services-${id}` },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: `fedhub-agent-services-${id}`,
    },
    subjects: [{ kind: 'ServiceAccount', name: 'fedhub-agent', namespace: agentNs }],
  });
  const tr = await kubeSend(
    admin,
    'POST',
    `/api/v1/namespaces/${agentNs}/serviceaccounts/fedhub-agent/token`,
    {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { expirationSeconds: 3600 },
    },
  );
  const token = (tr['status'] as { token: string }).token;
  const dir = mkdtempSync(path.join(tmpdir(), 'fedhub-rbac-'));
  const kubeconfigPath = path.join(dir, 'kubeconfig');
  const ca = Buffer.from(admin.caPem).toString('base64');
  writeFileSync(
    kubeconfigPath,
    [
      'apiVersion: v1',
      'kind: Config',
      `clusters: [{name: m, cluster: {server: '${admin.server}', certificate-authority-data: ${ca}}}]`,
      `users: [{name: agent, user: {token: ${token}}}]`,
      'contexts: [{name: m, context: {cluster: m, user: agent}}]',
      'current-context: m',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  hub = await startScriptedHub({ hubId: `hub-${id}` });
  hub.upsert(namespaceObj(ns));
  hub.upsert(configMap(ns, 'settings', { v: '1' }));
  hub.upsert(deployment(ns, 'web', 1));
  a = await startTestAgent({ ...admin, kubeconfigPath }, hub, { namespace: agentNs });
});

afterAll(async () => {
  await a?.agent.stop();
  await hub?.stop();
});

describe('agent with least-privilege RBAC', () => {
  it('applies, records its ledger and reports Ok for the kinds it is granted', async () => {
    await until(
      'Ok',
      () =>
        hub.statuses.size === 3 && [...hub.statuses.values()].every((s) => s.status === 'Ok')
          ? true
          : undefined,
      60_000,
    );
    const ledger = await kubeGet(admin, `/api/v1/namespaces/${agentNs}/configmaps/fedhub-ledger-0`);
    expect(JSON.stringify(ledger?.['data'])).toContain(`core/ConfigMap/${ns}/settings`);
  });

  it('heartbeats with the member healthy and its facts', async () => {
    const hb = await until('heartbeat with facts', () =>
      hub.heartbeats.find((h) => (h.facts as { nodeCount: number }).nodeCount > 0),
    );
    expect(hb.health).toBe('Healthy');
    expect(hb.facts).toMatchObject({
      kubernetesVersion: expect.stringMatching(/^v1\./),
      allocatable: { cpu: expect.any(String) },
    });
  });

  it('watches and corrects drift with only list/watch on its kinds', async () => {
    const p = `/api/v1/namespaces/${ns}/configmaps/settings`;
    await kubeSend(admin, 'DELETE', p);
    await until('recreated', async () => ((await kubeGet(admin, p)) ? true : undefined), 15_000);
  });

  it('prunes on a tombstone', async () => {
    const key = `apps/Deployment/${ns}/web`;
    hub.remove(key);
    await until(
      'pruned',
      async () =>
        (await kubeGet(admin, `/apis/apps/v1/namespaces/${ns}/deployments/web`)) ? undefined : true,
      15_000,
    );
  });

  it('an object it may not delete stays, with status DeletionFailed and the API server message', async () => {
    const key = hub.upsert({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: ns },
      spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
    });
    await until('service Ok', () => (hub.statuses.get(key)?.status === 'Ok' ? true : undefined));
    hub.remove(key);
    const s = await until('DeletionFailed', () =>
      hub.statuses.get(key)?.status === 'DeletionFailed' ? hub.statuses.get(key) : undefined,
    );
    expect(s.message).toMatch(/forbidden/);
    expect(await kubeGet(admin, `/api/v1/namespaces/${ns}/services/web`)).toBeDefined();
  });

  it('a kind outside its RBAC fails with the API server message, and nothing else is affected', async () => {
    const key = hub.upsert({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', namespace: ns },
      stringData: { a: 'b' },
    });
    const s = await until('forbidden', () =>
      hub.statuses.get(key)?.status === 'CreationFailed' ? hub.statuses.get(key) : undefined,
    );
    expect(s.message).toMatch(/forbidden/);
    expect(hub.statuses.get(`core/ConfigMap/${ns}/settings`)?.status).toBe('Ok');
  });
});
