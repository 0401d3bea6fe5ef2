// Pins drift correction (edit and delete by someone else are undone and counted), zero writes in steady state, and pruning only by tombstone or by absence from a full snapshot of the same hub.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../../shared/vocabulary.ts';
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
const logLines: string[] = [];
const id = suffix();
const ns = `drift-${id}`;
const agentNs = `fedhub-drift-${id}`;
const cmPath = (name: string) => `/api/v1/namespaces/${ns}/configmaps/${name}`;
const dataOf = async (name: string) =>
  (await kubeGet(member, cmPath(name)))?.['data'] as Record<string, string> | undefined;

beforeAll(async () => {
  member = testMembers()[0]!;
  hub = await startScriptedHub({ hubId: `hub-${id}` });
  hub.upsert(namespaceObj(ns));
  hub.upsert(configMap(ns, 'steady', { v: '1' }));
  hub.upsert(configMap(ns, 'edited', { v: '1' }));
  hub.upsert(configMap(ns, 'deleted', { v: '1' }));
  hub.upsert(configMap(ns, 'tombstoned', { v: '1' }));
  hub.upsert(configMap(ns, 'dropped', { v: '1' }));
  // Shapes the API server rewrites (write-only stringData, quantities in another spelling, defaults):
  // none of them may look like drift.
  hub.upsert({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'steady', namespace: ns },
    stringData: { pw: 'ünïcode' },
  });
  const dep = deployment(ns, 'steady', 1);
  const pod = (
    (dep['spec'] as Record<string, unknown>)['template'] as Record<string, Record<string, unknown>>
  )['spec']!;
  pod['containers'] = [
    {
      name: 'web',
      image: 'nginx:1.27',
      resources: { requests: { cpu: '0.5', memory: '64Mi' } },
      ports: [{ containerPort: 80 }],
    },
  ];
  hub.upsert(dep);
  hub.upsert({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'steady', namespace: ns },
    spec: { selector: { app: 'steady' }, ports: [{ port: 80, targetPort: 'http' }] },
  });
  a = await startTestAgent(member, hub, { namespace: agentNs, logLines });
  await until(
    'all Ok',
    () =>
      hub.statuses.size === 9 && [...hub.statuses.values()].every((s) => s.status === 'Ok')
        ? true
        : undefined,
    60_000,
  );
});

afterAll(async () => {
  await a?.agent.stop();
  await hub?.stop();
});

describe('drift and pruning', () => {
  it('makes no writes in steady state: resourceVersion and managedFields stay put across reconciles and a resync', async () => {
    const before = meta(await kubeGet(member, cmPath('steady')));
    const writesBefore = a.writes.length;
    await a.agent.reconcileNow();
    await a.agent.reconcileNow();
    // the resync period is 4 s: wait through one
    await new Promise((r) => setTimeout(r, 5_000));
    const after = meta(await kubeGet(member, cmPath('steady')));
    expect(after['resourceVersion']).toBe(before['resourceVersion']);
    expect(after['managedFields']).toEqual(before['managedFields']);
    expect(a.writes.slice(writesBefore)).toEqual([]);
    expect(hub.statuses.get(`core/ConfigMap/${ns}/steady`)?.driftCorrections).toBe(0);
  });

  it('corrects an edit made by someone else and counts it', async () => {
    await kubeSend(member, 'PUT', cmPath('edited'), {
      ...(await kubeGet(member, cmPath('edited'))),
      data: { v: 'hacked' },
    });
    await until(
      'edit undone',
      async () => ((await dataOf('edited'))?.['v'] === '1' ? true : undefined),
      15_000,
    );
    await until('drift counted', () =>
      hub.statuses.get(`core/ConfigMap/${ns}/edited`)?.driftCorrections === 1 ? true : undefined,
    );
  });

  it('recreates an object deleted by someone else and counts it', async () => {
    await kubeSend(member, 'DELETE', cmPath('deleted'));
    await until(
      'recreated',
      async () => ((await dataOf('deleted'))?.['v'] === '1' ? true : undefined),
      15_000,
    );
    await until('drift counted', () =>
      hub.statuses.get(`core/ConfigMap/${ns}/deleted`)?.driftCorrections === 1 ? true : undefined,
    );
  });

  it('never logs Secret content, its bootstrap token or its credential', async () => {
    const credential = readFileSync(path.join(a.stateDir, 'credential'), 'utf8').trim();
    expect(logLines.length).toBeGreaterThan(10);
    const all = logLines.join('\n');
    for (const secret of [
      'ünïcode',
      Buffer.from('ünïcode').toString('base64'),
      'bootstrap-token',
      credential,
    ]) {
      expect(all).not.toContain(secret);
    }
  });

  it('prunes an object the hub tombstones and tells the hub to forget its status', async () => {
    const key = `core/ConfigMap/${ns}/tombstoned`;
    hub.remove(key);
    await until(
      'pruned',
      async () => ((await kubeGet(member, cmPath('tombstoned'))) ? undefined : true),
      15_000,
    );
    await until('status removed', () => (hub.statuses.has(key) ? undefined : true));
    expect(hub.reports.some((r) => r.removed.includes(key))).toBe(true);
  });

  it('never deletes an object with the managed-by label that is not in its ledger', async () => {
    await kubeSend(member, 'POST', `/api/v1/namespaces/${ns}/configmaps`, {
      ...configMap(ns, 'impostor', { v: 'mine' }),
      metadata: { name: 'impostor', namespace: ns, labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE } },
    });
    hub.remove(`core/ConfigMap/${ns}/impostor`);
    await until('tombstone received', () => (a.agent.state().revision === hub.revision ? true : undefined));
    await a.agent.reconcileNow();
    expect(await dataOf('impostor')).toEqual({ v: 'mine' });
  });

  it('prunes an object missing from a full snapshot of the same hub', async () => {
    await a.agent.stop();
    // While the agent is down the hub stops wanting "dropped" and forgets its history, so the
    // restarted agent is answered with a snapshot that simply lacks it.
    hub.remove(`core/ConfigMap/${ns}/dropped`);
    hub.compact();
    a = await startTestAgent(member, hub, { namespace: agentNs, stateDir: a.stateDir });
    await until(
      'dropped pruned',
      async () => ((await kubeGet(member, cmPath('dropped'))) ? undefined : true),
      20_000,
    );
    expect(hub.syncRequests.at(-1)?.sinceRevision).toBeGreaterThan(0);
    expect(await dataOf('edited')).toEqual({ v: '1' });
  });
});
