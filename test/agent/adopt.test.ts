// Pins adoption: with --adopt the agent takes over an existing object it did not create, and from then on owns and prunes it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIELD_MANAGER, MANAGED_BY_LABEL } from '../../shared/vocabulary.ts';
import { testMembers, type MemberInfo } from '../harness/members.ts';
import { startScriptedHub, type ScriptedHub } from './scripted-hub.ts';
import {
  configMap,
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
const ns = `adopt-${id}`;
const cmPath = `/api/v1/namespaces/${ns}/configmaps/legacy`;

beforeAll(async () => {
  member = testMembers()[0]!;
  await kubeSend(member, 'POST', '/api/v1/namespaces', namespaceObj(ns));
  await kubeSend(
    member,
    'POST',
    `/api/v1/namespaces/${ns}/configmaps`,
    configMap(ns, 'legacy', { owner: 'manual', keep: 'me' }),
  );
  hub = await startScriptedHub({ hubId: `hub-${id}` });
  hub.upsert(configMap(ns, 'legacy', { owner: 'fedhub' }));
  a = await startTestAgent(member, hub, { namespace: `fedhub-adopt-${id}`, extraArgs: ['--adopt'] });
});

afterAll(async () => {
  await a?.agent.stop();
  await hub?.stop();
});

describe('adoption', () => {
  it('takes over the fields it wants, labels the object and reports Ok', async () => {
    const key = `core/ConfigMap/${ns}/legacy`;
    await until('adopted', () => (hub.statuses.get(key)?.status === 'Ok' ? true : undefined), 30_000);
    const cm = await kubeGet(member, cmPath);
    expect((cm?.['data'] as Record<string, string>)['owner']).toBe('fedhub');
    expect((meta(cm)['labels'] as Record<string, string>)[MANAGED_BY_LABEL]).toBe('fedhub');
    const managers = (meta(cm)['managedFields'] as Array<{ manager: string }>).map((f) => f.manager);
    expect(managers).toContain(FIELD_MANAGER);
  });

  it('owns the adopted object from then on: a tombstone prunes it', async () => {
    hub.remove(`core/ConfigMap/${ns}/legacy`);
    await until('pruned', async () => ((await kubeGet(member, cmPath)) ? undefined : true), 15_000);
  });
});
