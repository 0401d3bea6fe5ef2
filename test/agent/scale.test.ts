// Pins the agent at a few hundred objects: a chunked snapshot converges in bounded time, the ledger holds them all, and a full resync then writes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testMembers, type MemberInfo } from '../harness/members.ts';
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

const COUNT = 300;
let member: MemberInfo;
let hub: ScriptedHub;
let a: AgentUnderTest;
const id = suffix();
const ns = `scale-${id}`;
const agentNs = `fedhub-scale-${id}`;

beforeAll(async () => {
  member = testMembers()[1]!;
  hub = await startScriptedHub({ hubId: `hub-${id}`, chunkSize: 50 });
  hub.upsert(namespaceObj(ns));
  for (let i = 0; i < COUNT; i++)
    hub.upsert(configMap(ns, `cm-${i}`, { i: String(i), pad: 'x'.repeat(200) }));
});

afterAll(async () => {
  await a?.agent.stop();
  await hub?.stop();
});

describe(`agent with ${COUNT} objects`, () => {
  it('applies a chunked snapshot and reports every object Ok', async () => {
    const t0 = Date.now();
    a = await startTestAgent(member, hub, { namespace: agentNs });
    await until(
      'all Ok',
      () =>
        hub.statuses.size === COUNT + 1 && [...hub.statuses.values()].every((s) => s.status === 'Ok')
          ? true
          : undefined,
      120_000,
    );
    const seconds = (Date.now() - t0) / 1000;
    console.log(`[agent scale] ${COUNT + 1} objects applied and reported in ${seconds.toFixed(1)} s`);
    expect(seconds).toBeLessThan(90);
    const ledger = await kubeGet(member, `/api/v1/namespaces/${agentNs}/configmaps/fedhub-ledger-0`);
    expect(
      Object.keys(JSON.parse((ledger?.['data'] as Record<string, string>)['entries.json']!) as object),
    ).toHaveLength(COUNT + 1);
  });

  it('a full resync of them makes no writes', async () => {
    const before = a.writes.length;
    const t0 = Date.now();
    await a.agent.reconcileNow();
    console.log(
      `[agent scale] full pass over ${COUNT + 1} unchanged objects in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
    expect(a.writes.slice(before)).toEqual([]);
  });
});
