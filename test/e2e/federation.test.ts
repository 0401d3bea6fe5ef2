// Pins issue 4's end-to-end behaviour: a hub process and three agent processes on three real members propagate kubefed YAML unchanged, converge on change, survive restarts and outages, and delete only what was removed.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, kubeRequest } from '../harness/kube-http.ts';
import { parsePrometheusText, sampleValue, type Sample } from '../support/prom-text.ts';
import { assertNoSecretsInLogs } from '../support/log-scan.ts';
import { testMembers, testRunDir, type MemberInfo } from '../harness/members.ts';
import { kubeGet, kubeSend, meta, until } from '../agent/support.ts';
import {
  startAgentProcess,
  startHubProcess,
  stopFleet,
  type AgentProcess,
  type HubProcess,
} from '../support/fleet.ts';
import { HubRest, HubRestError, type Obj } from '../support/hub-rest.ts';

const FIXTURES = path.resolve(import.meta.dirname, '..', 'fixtures', 'kubefed-sample');
const NS = 'test-namespace';
const dep = `/apis/apps/v1/namespaces/${NS}/deployments/test-deployment`;
const cm = `/api/v1/namespaces/${NS}/configmaps/test-configmap`;

let members: MemberInfo[];
let c1: MemberInfo, c2: MemberInfo, c3: MemberInfo;
let hub: HubProcess;
let rest: HubRest;
const agents = new Map<string, AgentProcess>();
let logDir: string;
let agentHealthPort: number;
let metricsBefore: Sample[];
let bootstrapToken: string;

function sample(): string {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => readFileSync(path.join(FIXTURES, f), 'utf8'))
    .join('\n---\n');
}

function spec(o: Obj | undefined): Obj {
  return ((o ?? {})['spec'] ?? {}) as Obj;
}

async function clusterStatuses(kind: string, name: string, ns = NS): Promise<Array<Obj>> {
  const r = await rest.get(kind, ns, name);
  return (((r['status'] ?? {}) as Obj)['clusters'] ?? []) as Obj[];
}

beforeAll(async () => {
  members = testMembers();
  [c1, c2, c3] = members as [MemberInfo, MemberInfo, MemberInfo];
  logDir = path.join(testRunDir(), 'fleet-federation');
  hub = await startHubProcess({ logDir });
  rest = HubRest.of(hub);
  const token = await rest.bootstrapToken(3);
  bootstrapToken = token;
  agentHealthPort = await freePort();
  for (const m of [c1, c2, c3]) {
    const extraArgs = m === c1 ? ['--health-addr', `127.0.0.1:${agentHealthPort}`] : [];
    agents.set(m.name, await startAgentProcess(m, hub, { logDir, bootstrapToken: token, extraArgs }));
  }
  metricsBefore = parsePrometheusText(await rest.text('/metrics'));
  await until(
    'three clusters registered and ready',
    async () => {
      const list = ((await rest.clusters())['items'] ?? []) as Obj[];
      return list.filter((c) => c['ready'] === true).length === 3 ? true : undefined;
    },
    60_000,
  );
});

afterAll(async () => {
  await stopFleet();
});

describe('federation end to end', () => {
  it('propagates the kubefed sample unchanged to the placed clusters, with overrides, and nowhere else', async () => {
    const res = await rest.apply(sample());
    const results = (res['results'] ?? []) as Obj[];
    expect(results).toHaveLength(9);
    expect(results.every((r) => r['result'] === 'created')).toBe(true);

    const [d1, d2] = await until(
      'deployments in cluster1 and cluster2',
      async () => {
        const ds = await Promise.all([kubeGet(c1, dep), kubeGet(c2, dep)]);
        return ds.every(Boolean) ? ds : undefined;
      },
      90_000,
    );
    expect(spec(d1)['replicas']).toBe(3);
    expect(spec(d2)['replicas']).toBe(5);
    expect(JSON.stringify(spec(d2))).toContain('nginx:1.17.2');
    expect(JSON.stringify(spec(d1))).toContain('nginx:1.17.0');
    expect(meta(d2)['annotations']).toMatchObject({ foo: 'bar' });
    expect((await kubeGet(c2, cm))?.['data']).toEqual({ foo: 'bar' });
    expect((await kubeGet(c1, cm))?.['data']).toEqual({ A: 'ala ma kota' });

    // Every sample shape arrives in both placed clusters.
    const paths = [
      `/api/v1/namespaces/${NS}`,
      `/api/v1/namespaces/${NS}/secrets/test-secret`,
      `/api/v1/namespaces/${NS}/services/test-service`,
      `/api/v1/namespaces/${NS}/serviceaccounts/test-serviceaccount`,
      `/apis/batch/v1/namespaces/${NS}/jobs/test-job`,
      '/apis/rbac.authorization.k8s.io/v1/clusterroles/test-clusterrole',
      '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/test-clusterrolebinding',
    ];
    for (const m of [c1, c2]) {
      await until(`${m.name} has every sample shape`, async () => {
        const got = await Promise.all(paths.map((p) => kubeGet(m, p)));
        return got.every(Boolean) ? true : undefined;
      });
    }
    expect(spec(await kubeGet(c2, `/apis/batch/v1/namespaces/${NS}/jobs/test-job`))['parallelism']).toBe(2);
    // cluster3 is not in any placement.
    for (const p of [dep, cm, ...paths]) expect(await kubeGet(c3, p)).toBeUndefined();
  });

  it('aggregates the summed ready replicas of the placed clusters (3 + 5)', async () => {
    const status = await until(
      'aggregate of 8 ready',
      async () => {
        const s = ((await rest.get('FederatedDeployment', NS, 'test-deployment'))['status'] ?? {}) as Obj;
        return s['readyReplicas'] === 8 ? s : undefined;
      },
      120_000,
    );
    expect(status['conditions']).toEqual([expect.objectContaining({ type: 'Propagation', status: 'True' })]);
    const lines = await clusterStatuses('FederatedDeployment', 'test-deployment');
    expect(lines.map((l) => [l['cluster'], l['status']])).toEqual([
      [c1.name, 'Ok'],
      [c2.name, 'Ok'],
    ]);
  });

  it('hub and agent serve Prometheus metrics that parse, and their counters move', async () => {
    const after = parsePrometheusText(await rest.text('/metrics'));
    expect(sampleValue(after, 'fedhub_connected_agents')).toBe(3);
    for (const m of [c1, c2, c3])
      expect(sampleValue(after, 'fedhub_cluster_ready', { cluster: m.name })).toBe(1);
    const propagated = (s: Sample[]) => sampleValue(s, 'fedhub_propagation_seconds_count') ?? 0;
    expect(propagated(after)).toBeGreaterThan(propagated(metricsBefore));
    const submissions = (s: Sample[]) =>
      sampleValue(s, 'fedhub_submission_duration_seconds_count', { transport: 'rest', outcome: 'ok' }) ?? 0;
    expect(submissions(after)).toBeGreaterThan(submissions(metricsBefore));
    expect(sampleValue(after, 'fedhub_cluster_revision_lag', { cluster: c1.name })).toBe(0);

    const res = await fetch(`http://127.0.0.1:${agentHealthPort}/metrics`);
    expect(res.status).toBe(200);
    const agent = parsePrometheusText(await res.text());
    expect(sampleValue(agent, 'fedhub_agent_applied_revision')).toBeGreaterThan(0);
    expect(sampleValue(agent, 'fedhub_agent_hub_streaming')).toBe(1);
    expect((await fetch(`http://127.0.0.1:${agentHealthPort}/readyz`)).status).toBe(200);
  });

  it('a template update reaches both placed clusters', async () => {
    const updated = readFileSync(path.join(FIXTURES, 'federatedconfigmap.yaml'), 'utf8').replace(
      'A: ala ma kota',
      'A: updated',
    );
    const res = await rest.apply(updated);
    expect((res['results'] as Obj[])[0]?.['result']).toBe('configured');
    await until('cluster1 sees the update', async () =>
      (await kubeGet(c1, cm))?.['data'] &&
      JSON.stringify((await kubeGet(c1, cm))?.['data']).includes('updated')
        ? true
        : undefined,
    );
    // cluster2's override replaces /data entirely, so it keeps the override's content.
    expect((await kubeGet(c2, cm))?.['data']).toEqual({ foo: 'bar' });
  });

  it('an edit and a delete made directly in a member are corrected', async () => {
    const before = await kubeGet(c1, dep);
    await mergePatch(c1, dep, { spec: { replicas: 1 } });
    await until('edit corrected', async () =>
      spec(await kubeGet(c1, dep))['replicas'] === 3 ? true : undefined,
    );

    await kubeSend(c1, 'DELETE', cm);
    const back = await until('delete corrected', async () => kubeGet(c1, cm));
    expect(meta(back)['uid']).not.toBe(undefined);
    expect(meta(await kubeGet(c1, dep))['uid']).toBe(meta(before)['uid']);
  });

  it('a pre-existing unmanaged object with the same name is left alone and reported AlreadyExists', async () => {
    await kubeSend(c3, 'POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'preexisting' },
    });
    await kubeSend(c3, 'POST', '/api/v1/namespaces/preexisting/configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'theirs' },
      data: { owner: 'someone else' },
    });
    await rest.apply(`
apiVersion: types.kubefed.io/v1beta1
kind: FederatedConfigMap
metadata: {name: theirs, namespace: preexisting}
spec:
  template: {data: {owner: fedhub}}
  placement: {clusters: [{name: ${c3.name}}]}
`);
    const line = await until('AlreadyExists reported', async () => {
      const lines = await clusterStatuses('FederatedConfigMap', 'theirs', 'preexisting');
      return lines.find((l) => l['status'] === 'AlreadyExists');
    });
    expect(line['cluster']).toBe(c3.name);
    expect((await kubeGet(c3, '/api/v1/namespaces/preexisting/configmaps/theirs'))?.['data']).toEqual({
      owner: 'someone else',
    });
    // Deleting the federated object does not delete what the agent never created.
    await rest.delete('FederatedConfigMap', 'preexisting', 'theirs');
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await kubeGet(c3, '/api/v1/namespaces/preexisting/configmaps/theirs')).toBeDefined();
  });

  it('a template the member API server rejects shows that server message in the per-cluster status', async () => {
    await rest.apply(`
apiVersion: types.kubefed.io/v1beta1
kind: FederatedService
metadata: {name: bad-port, namespace: ${NS}}
spec:
  template:
    spec:
      selector: {app: nginx}
      ports: [{name: http, port: 99999}]
  placement: {clusters: [{name: ${c1.name}}]}
`);
    const line = await until('CreationFailed reported', async () => {
      const lines = await clusterStatuses('FederatedService', 'bad-port');
      return lines.find((l) => l['status'] === 'CreationFailed');
    });
    expect(String(line['message'])).toMatch(/must be between 1 and 65535/);
    await rest.delete('FederatedService', NS, 'bad-port');
  });

  it('an agent restart makes no duplicates and no deletions, and resumes', async () => {
    const a = agents.get(c2.name)!;
    const uidsBefore = await uids(c2);
    await a.proc.stop();
    await a.restart();
    await until('agent back and reporting', async () =>
      a.proc.log().includes('sync stream opening') ? true : undefined,
    );
    await rest.apply(
      readFileSync(path.join(FIXTURES, 'federatedsecret.yaml'), 'utf8').replace(
        'YWxhIG1hIGtvdGE=',
        'cmVzdGFydGVk',
      ),
    );
    await until('change after restart arrives', async () =>
      JSON.stringify((await kubeGet(c2, `/api/v1/namespaces/${NS}/secrets/test-secret`))?.['data']).includes(
        'cmVzdGFydGVk',
      )
        ? true
        : undefined,
    );
    expect(await uids(c2)).toEqual(uidsBefore);
    expect(a.proc.log()).toMatch(/"sinceRevision":[1-9]/);
  });

  it('with the hub down for a while, members keep everything; after a hub crash and restart agents resume and converge', async () => {
    const before = await Promise.all([c1, c2].map(uids));
    await hub.proc.kill();
    await new Promise((r) => setTimeout(r, 8_000));
    expect(await Promise.all([c1, c2].map(uids))).toEqual(before);

    await hub.restart();
    await rest.apply(sample().replace('replicas: 3', 'replicas: 2'));
    await until(
      'converged after the hub restart',
      async () => (spec(await kubeGet(c1, dep))['replicas'] === 2 ? true : undefined),
      60_000,
    );
    expect(await Promise.all([c1, c2].map(uids))).toEqual(before);
  });

  it('a placement change removes the object from the dropped cluster only', async () => {
    await rest.apply(
      readFileSync(path.join(FIXTURES, 'federatedconfigmap.yaml'), 'utf8').replace(
        '      - name: cluster1',
        `      - name: ${c3.name}`,
      ),
    );
    await until('moved from cluster1 to cluster3', async () =>
      !(await kubeGet(c1, cm)) && (await kubeGet(c3, cm)) ? true : undefined,
    );
    expect(await kubeGet(c2, cm)).toBeDefined();
    expect(await kubeGet(c1, dep)).toBeDefined();
  });

  it('deleting a federated object removes it everywhere, and nothing else', async () => {
    await rest.delete('FederatedDeployment', NS, 'test-deployment');
    await until('deployment gone everywhere', async () => {
      const got = await Promise.all([c1, c2, c3].map((m) => kubeGet(m, dep)));
      return got.every((d) => d === undefined) ? true : undefined;
    });
    for (const m of [c1, c2]) {
      expect(await kubeGet(m, `/api/v1/namespaces/${NS}/secrets/test-secret`)).toBeDefined();
      expect(await kubeGet(m, `/api/v1/namespaces/${NS}/services/test-service`)).toBeDefined();
    }
    await expect(rest.get('FederatedDeployment', NS, 'test-deployment')).rejects.toBeInstanceOf(HubRestError);
  });
});

describe('logs of the whole run', () => {
  it('hold no token, credential or Secret value', () => {
    // Every process of the run, restarted ones included: each start logs to its own file.
    const logs = readdirSync(logDir)
      .map((f) => readFileSync(path.join(logDir, f), 'utf8'))
      .join('\n');
    expect(logs.length).toBeGreaterThan(1000);
    const credentials = [...agents.values()].map((a) =>
      readFileSync(path.join(a.stateDir, 'credential'), 'utf8').trim(),
    );
    // The sample Secret's value (base64 and decoded) and the one applied after the agent restart.
    const secretValues = ['YWxhIG1hIGtvdGE=', 'ala ma kota', 'cmVzdGFydGVk', 'restarted'];
    assertNoSecretsInLogs(logs, [hub.adminToken, bootstrapToken, ...credentials, ...secretValues]);
  });
});

/** uids of the sample objects in a member: unchanged uids mean nothing was deleted or duplicated. */
async function uids(m: MemberInfo): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const p of [dep, `/api/v1/namespaces/${NS}/secrets/test-secret`, `/api/v1/namespaces/${NS}`]) {
    out[p] = meta(await kubeGet(m, p))['uid'];
  }
  return out;
}

/** A merge patch as another user of the member would make it. */
async function mergePatch(m: MemberInfo, p: string, body: Obj): Promise<void> {
  const res = await kubeRequest(m, 'PATCH', p, body, 5_000, 'application/merge-patch+json');
  if (res.status >= 400) throw new Error(`PATCH ${p}: ${res.status} ${res.body}`);
}
