// Pins what the agent does without its hub: nothing is deleted, drift is still corrected (also after an agent restart), it resumes from its revision, and a hub with another identity prunes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testMembers, type MemberInfo } from '../harness/members.ts';
import { startScriptedHub, type ScriptedHub } from './scripted-hub.ts';
import {
  configMap,
  kubeGet,
  kubeSend,
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
const ns = `outage-${id}`;
const agentNs = `fedhub-outage-${id}`;
const cmPath = (name: string) => `/api/v1/namespaces/${ns}/configmaps/${name}`;
const dataOf = async (name: string) =>
  (await kubeGet(member, cmPath(name)))?.['data'] as Record<string, string> | undefined;

beforeAll(async () => {
  member = testMembers()[1]!;
  hub = await startScriptedHub({ hubId: `hub-${id}` });
  hub.upsert(namespaceObj(ns));
  hub.upsert(configMap(ns, 'one', { v: '1' }));
  hub.upsert(configMap(ns, 'two', { v: '2' }));
  a = await startTestAgent(member, hub, { namespace: agentNs });
  await until(
    'synced',
    () => (hub.statuses.size === 3 && a.agent.state().revision === hub.revision ? true : undefined),
    60_000,
  );
});

afterAll(async () => {
  await a?.agent.stop();
  await hub?.stop();
});

describe('hub unreachable', () => {
  it('deletes nothing and keeps correcting drift from the last known slice', async () => {
    const port = hub.port;
    await hub.stop();
    await until('agent notices', () =>
      a.agent.state().phase === 'Backoff' || a.agent.state().phase === 'Registering' ? true : undefined,
    );
    await kubeSend(member, 'DELETE', cmPath('one'));
    await until(
      'recreated without hub',
      async () => ((await dataOf('one'))?.['v'] === '1' ? true : undefined),
      15_000,
    );
    expect(await dataOf('two')).toEqual({ v: '2' });
    hub = await startScriptedHub({ hubId: `hub-${id}`, port });
  });

  it('after an agent restart with the hub still down, still enforces the slice it persisted', async () => {
    await a.agent.stop();
    const port = hub.port;
    await hub.stop();
    a = await startTestAgent(
      member,
      { address: `127.0.0.1:${port}` },
      { namespace: agentNs, stateDir: a.stateDir },
    );
    await kubeSend(member, 'PUT', cmPath('two'), {
      ...(await kubeGet(member, cmPath('two'))),
      data: { v: 'edited' },
    });
    await until(
      'edit undone without hub',
      async () => ((await dataOf('two'))?.['v'] === '2' ? true : undefined),
      15_000,
    );
    expect(await dataOf('one')).toEqual({ v: '1' });
    hub = await startScriptedHub({ hubId: `hub-${id}`, port });
  });

  it('resumes from its revision when the hub is back, without a snapshot', async () => {
    // The restarted hub kept no state in this scripted form: give it the same slice and history.
    hub.upsert(namespaceObj(ns));
    hub.upsert(configMap(ns, 'one', { v: '1' }));
    hub.upsert(configMap(ns, 'two', { v: '2' }));
    hub.upsert(configMap(ns, 'three', { v: '3' }));
    await until(
      'three applied',
      async () => ((await dataOf('three'))?.['v'] === '3' ? true : undefined),
      30_000,
    );
    const sync = hub.syncRequests.at(-1)!;
    expect(sync.sinceRevision).toBeGreaterThan(0);
    expect(sync.hubId).toBe(`hub-${id}`);
  });

  it('a hub with another identity and an empty slice prunes nothing and says so in heartbeats', async () => {
    await a.agent.stop();
    await hub.stop();
    hub = await startScriptedHub({ hubId: `other-${id}` });
    a = await startTestAgent(member, hub, { namespace: agentNs, stateDir: a.stateDir });
    await until(
      'snapshot from the new hub',
      () => (a.agent.state().hubId === `other-${id}` ? true : undefined),
      30_000,
    );
    await a.agent.reconcileNow();
    expect(hub.syncRequests.at(-1)).toMatchObject({ sinceRevision: 0 });
    for (const name of ['one', 'two', 'three']) expect(await dataOf(name)).toBeDefined();
    const hb = await until('heartbeat note', () =>
      hub.heartbeats.find((h) => h.message.includes('kept, not pruned')),
    );
    expect(hb.message).toContain(`hub-${id}`);
  });

  it('after the hub-change grace period, objects the new hub does not want are pruned', async () => {
    await a.agent.stop();
    a = await startTestAgent(member, hub, {
      namespace: agentNs,
      stateDir: a.stateDir,
      extraArgs: ['--hub-change-grace', '2s'],
    });
    // Grace counts from when the new identity was first seen (the previous test), so it is over by the first full pass.
    await until(
      'old object pruned after grace',
      async () => ((await dataOf('two')) ? undefined : true),
      30_000,
    );
  });

  it('once the operator accepts the new hub identity, objects it does not want are pruned', async () => {
    await a.agent.stop();
    a = await startTestAgent(member, hub, {
      namespace: agentNs,
      stateDir: a.stateDir,
      extraArgs: ['--accept-hub-id', `other-${id}`],
    });
    await until('old objects pruned', async () => ((await dataOf('one')) ? undefined : true), 30_000);
    await until('all pruned', async () => ((await dataOf('three')) ? undefined : true), 30_000);
  });
});
