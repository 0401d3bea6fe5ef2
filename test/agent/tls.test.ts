// Pins the agent's TLS to the real hub: it verifies the hub with the CA it is given, and a plaintext or wrongly trusting agent gets nothing.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testMembers, type MemberInfo } from '../harness/members.ts';
import { startTestHub, type TestHub } from '../hub/support/hub-fixture.ts';
import { kubeGet, startTestAgent, suffix, until, type AgentUnderTest } from './support.ts';

let member: MemberInfo;
let hub: TestHub;
let caFile: string;
let token: string;
const agents: AgentUnderTest[] = [];
const id = suffix();
const ns = `tls-${id}`;

beforeAll(async () => {
  member = testMembers()[0]!;
  hub = await startTestHub({ tls: true });
  const dir = mkdtempSync(path.join(tmpdir(), 'fedhub-tls-'));
  caFile = path.join(dir, 'ca.crt');
  writeFileSync(caFile, hub.hub.caPem!);
  token = hub.hub.engine.createBootstrapToken({ maxUses: 5 }).token;
  hub.hub.engine.apply(`
apiVersion: types.kubefed.io/v1beta1
kind: FederatedNamespace
metadata: {name: ${ns}, namespace: ${ns}}
spec:
  placement: {clusters: [{name: ${member.name}}]}
`);
});

afterAll(async () => {
  for (const a of agents) await a.agent.stop();
  await hub?.close();
});

const start = async (opts: { hubCaFile?: string }) => {
  const a = await startTestAgent(
    member,
    { address: `127.0.0.1:${hub.hub.grpcPort}` },
    {
      namespace: `fedhub-tls-${id}`,
      extraArgs: ['--bootstrap-token', token],
      ...opts,
    },
  );
  agents.push(a);
  return a;
};

describe('agent over TLS', () => {
  it('a plaintext agent cannot register with a TLS hub', async () => {
    const a = await start({});
    await until('failed attempts', () => (a.agent.state().failures >= 2 ? true : undefined));
    expect(a.agent.state().hubId).toBe('');
    expect(a.agent.state().phase).not.toBe('Streaming');
    await a.agent.stop();
  });

  it('an agent trusting another CA cannot register', async () => {
    const other = path.join(path.dirname(caFile), 'other-ca.crt');
    // A well-formed certificate that did not sign the hub's: the member's own API server CA.
    writeFileSync(other, member.caPem);
    const a = await start({ hubCaFile: other });
    await until('failed attempts', () => (a.agent.state().failures >= 2 ? true : undefined));
    expect(a.agent.state().hubId).toBe('');
    expect(a.agent.state().phase).not.toBe('Streaming');
    await a.agent.stop();
  });

  it('an agent given the hub CA registers, syncs and applies', async () => {
    const a = await start({ hubCaFile: caFile });
    await until(
      'namespace applied',
      async () => ((await kubeGet(member, `/api/v1/namespaces/${ns}`)) ? true : undefined),
      30_000,
    );
    expect(a.agent.state().phase).toBe('Streaming');
  });
});
