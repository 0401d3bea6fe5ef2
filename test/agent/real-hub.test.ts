// Pins the agent against the real hub over the wire contract: two members converge to placement and overrides, status aggregates, placement changes and deletes remove only what they should.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHubClient } from '../../agent/grpc/hub-client.ts';
import { testMembers, type MemberInfo } from '../harness/members.ts';
import { startTestHub, type TestHub } from '../hub/support/hub-fixture.ts';
import { kubeGet, startTestAgent, suffix, until, type AgentUnderTest } from './support.ts';

let members: MemberInfo[];
let hub: TestHub;
const agents: AgentUnderTest[] = [];
const id = suffix();
const ns = `real-${id}`;

const docs = (placeConfigOn: string[], deployReplicasOverride: number) => `
apiVersion: types.kubefed.io/v1beta1
kind: FederatedNamespace
metadata: {name: ${ns}, namespace: ${ns}}
spec:
  placement: {clusters: [{name: ${members[0]!.name}}, {name: ${members[1]!.name}}]}
---
apiVersion: types.kubefed.io/v1beta1
kind: FederatedConfigMap
metadata: {name: settings, namespace: ${ns}}
spec:
  template: {data: {mode: blue}}
  placement: {clusters: [${placeConfigOn.map((c) => `{name: ${c}}`).join(', ')}]}
---
apiVersion: types.kubefed.io/v1beta1
kind: FederatedDeployment
metadata: {name: web, namespace: ${ns}}
spec:
  template:
    spec:
      replicas: 2
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec: {containers: [{name: web, image: nginx:1.27}]}
  placement: {clusters: [{name: ${members[0]!.name}}, {name: ${members[1]!.name}}]}
  overrides:
  - clusterName: ${members[1]!.name}
    clusterOverrides:
    - {path: /spec/replicas, value: ${deployReplicasOverride}}
    - {path: /spec/template/spec/containers/0/image, value: nginx:1.28}
`;

beforeAll(async () => {
  members = testMembers().slice(0, 2);
  hub = await startTestHub();
  const { token } = hub.hub.engine.createBootstrapToken({ maxUses: 2 });
  for (const m of members) {
    agents.push(
      await startTestAgent(
        m,
        { address: `127.0.0.1:${hub.hub.grpcPort}` },
        {
          namespace: `fedhub-real-${id}`,
          extraArgs: ['--bootstrap-token', token],
        },
      ),
    );
  }
});

afterAll(async () => {
  for (const a of agents) await a.agent.stop();
  await hub?.close();
});

const cmPath = `/api/v1/namespaces/${ns}/configmaps/settings`;
const depPath = `/apis/apps/v1/namespaces/${ns}/deployments/web`;

describe('agent with the real hub', () => {
  it('registers each member and converges to placement and overrides', async () => {
    hub.hub.engine.apply(docs([members[0]!.name], 3));
    await until(
      'configmap on the first member',
      async () => ((await kubeGet(members[0]!, cmPath)) ? true : undefined),
      60_000,
    );
    const [d0, d1] = await until('deployments on both', async () => {
      const ds = await Promise.all(members.map((m) => kubeGet(m, depPath)));
      return ds.every((d) => d) ? ds : undefined;
    });
    expect((d0!['spec'] as { replicas: number }).replicas).toBe(2);
    expect((d1!['spec'] as { replicas: number }).replicas).toBe(3);
    expect(JSON.stringify(d1!['spec'])).toContain('nginx:1.28');
    expect(await kubeGet(members[1]!, cmPath)).toBeUndefined();
  });

  it('reports status the hub aggregates into summed ready replicas', async () => {
    const ref = { kind: 'FederatedDeployment', namespace: ns, name: 'web' };
    const status = await until(
      'aggregate of 5 ready',
      () => {
        const s = hub.hub.engine.get(ref)['status'];
        return JSON.stringify(s ?? {}).includes('"readyReplicas":5') ? s : undefined;
      },
      120_000,
    );
    expect(status).toBeDefined();
  });

  it('a restarted agent resumes from its revision and makes no writes', async () => {
    const before = agents[0]!;
    const revision = before.agent.state().revision;
    expect(revision).toBeGreaterThan(0);
    await before.agent.stop();
    const after = await startTestAgent(
      members[0]!,
      { address: `127.0.0.1:${hub.hub.grpcPort}` },
      {
        namespace: before.namespace,
        stateDir: before.stateDir,
      },
    );
    agents[0] = after;
    expect(after.agent.state().revision).toBe(revision);
    await until('streaming', () => (after.agent.state().phase === 'Streaming' ? true : undefined));
    await after.agent.reconcileNow();
    expect(after.writes).toEqual([]);
    expect(after.agent.state().revision).toBeGreaterThanOrEqual(revision);
  });

  it('rotates its credential and keeps syncing with the new one; the old one is refused', async () => {
    const a = agents[1]!;
    const credFile = path.join(a.stateDir, 'credential');
    const old = readFileSync(credFile, 'utf8').trim();
    await a.agent.rotateCredential();
    const fresh = readFileSync(credFile, 'utf8').trim();
    expect(fresh).not.toBe(old);
    hub.hub.engine.apply(docs([members[0]!.name], 4));
    await until(
      'override of 4 replicas applied after rotation',
      async () =>
        ((await kubeGet(members[1]!, depPath))?.['spec'] as { replicas: number }).replicas === 4
          ? true
          : undefined,
      60_000,
    );
    const client = createHubClient({
      address: `127.0.0.1:${hub.hub.grpcPort}`,
      channelCredentials: grpc.credentials.createInsecure(),
    });
    try {
      const facts = { kubernetesVersion: '', nodeCount: 0, allocatable: {}, agentVersion: '' };
      await expect(
        client.register(
          { clusterName: members[1]!.name, labels: {}, facts, bootstrapToken: '' },
          old,
          AbortSignal.timeout(5_000),
        ),
      ).rejects.toMatchObject({ code: grpc.status.UNAUTHENTICATED });
    } finally {
      client.close();
    }
  });

  it('a placement change removes the object from the dropped member only', async () => {
    hub.hub.engine.apply(docs([members[1]!.name], 3));
    await until(
      'moved',
      async () =>
        (await kubeGet(members[1]!, cmPath)) && !(await kubeGet(members[0]!, cmPath)) ? true : undefined,
      60_000,
    );
    expect(await kubeGet(members[0]!, depPath)).toBeDefined();
  });

  it('deleting the federated object removes it everywhere and nothing else', async () => {
    hub.hub.engine.delete({ kind: 'FederatedDeployment', namespace: ns, name: 'web' });
    await until(
      'deployments gone',
      async () => {
        const ds = await Promise.all(members.map((m) => kubeGet(m, depPath)));
        return ds.every((d) => !d) ? true : undefined;
      },
      60_000,
    );
    expect(await kubeGet(members[1]!, cmPath)).toBeDefined();
    expect(await kubeGet(members[0]!, `/api/v1/namespaces/${ns}`)).toBeDefined();
  });
});
