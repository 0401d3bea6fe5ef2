// Pins the agent when its own member's API server stops answering: heartbeats say Unhealthy, statuses are not turned into failures, and it converges again once the member is back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pauseMember, resumeMember, testMembers, type MemberInfo } from '../harness/members.ts';
import { startScriptedHub, type ScriptedHub } from './scripted-hub.ts';
import {
  configMap,
  kubeGet,
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
const ns = `paused-${id}`;
let paused = false;

beforeAll(async () => {
  member = testMembers()[2]!;
  hub = await startScriptedHub({ hubId: `hub-${id}` });
  hub.upsert(namespaceObj(ns));
  hub.upsert(configMap(ns, 'one', { v: '1' }));
  a = await startTestAgent(member, hub, {
    namespace: `fedhub-paused-${id}`,
    extraArgs: ['--kube-timeout', '2s'],
  });
  await until(
    'Ok',
    () =>
      hub.statuses.size === 2 && [...hub.statuses.values()].every((s) => s.status === 'Ok')
        ? true
        : undefined,
    60_000,
  );
});

afterAll(async () => {
  if (paused) resumeMember(member);
  await a?.agent.stop();
  await hub?.stop();
});

describe('member API server not answering', () => {
  it('heartbeats report the member Unhealthy and no status turns into a failure', async () => {
    pauseMember(member);
    paused = true;
    const from = hub.heartbeats.length;
    hub.upsert(configMap(ns, 'two', { v: '2' }));
    await until(
      'Unhealthy heartbeat',
      () => hub.heartbeats.slice(from).find((h) => h.health === 'Unhealthy'),
      20_000,
    );
    await a.agent.reconcileNow();
    for (const s of hub.statuses.values()) expect(s.status).toBe('Ok');
  });

  it('converges once the member answers again', async () => {
    resumeMember(member);
    paused = false;
    await until(
      'two applied',
      async () => ((await kubeGet(member, `/api/v1/namespaces/${ns}/configmaps/two`)) ? true : undefined),
      60_000,
    );
    const from = hub.heartbeats.length;
    await until(
      'Healthy heartbeat',
      () => hub.heartbeats.slice(from).find((h) => h.health === 'Healthy'),
      20_000,
    );
    await until(
      'two Ok',
      () => (hub.statuses.get(`core/ConfigMap/${ns}/two`)?.status === 'Ok' ? true : undefined),
      30_000,
    );
  });
});
