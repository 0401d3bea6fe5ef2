// Pins issue 6 end to end: a member cut off from the hub loses its replicas to the healthy members within grace + failover delay, keeps everything it runs, and gets its share back make-before-break; a flapping member moves replicas a bounded number of times.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planReplicas } from '../../hub/scheduling/planner.ts';
import { kubeGet, meta, until } from '../agent/support.ts';
import { testMembers, testRunDir, type MemberInfo } from '../harness/members.ts';
import { startAgentProcess, startHubProcess, stopFleet, type HubProcess } from '../support/fleet.ts';
import { HubRest, type Obj } from '../support/hub-rest.ts';
import { parsePrometheusText, sampleValue } from '../support/prom-text.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';

const NS = 'failover';
// The failover defaults: heartbeat 5 s, grace 20 s, failover delay 10 s, stabilisation 30 s.
const GRACE_MS = 20_000;
const FAILOVER_DELAY_MS = 10_000;
const STABILIZATION_MS = 30_000;

let c1: MemberInfo, c2: MemberInfo, c3: MemberInfo;
let hub: HubProcess;
let rest: HubRest;
let proxy: TcpProxy;
let workload: string;
let before: Record<string, number>;

const prefs = (c: [string, string, string]) => ({
  [c[0]]: { minReplicas: 2, maxReplicas: 3, weight: 1 },
  [c[1]]: { minReplicas: 2, maxReplicas: 5, weight: 2 },
  [c[2]]: { weight: 1 },
});

const depPath = (name: string) => `/apis/apps/v1/namespaces/${NS}/deployments/${name}`;

async function deploymentIn(
  m: MemberInfo,
): Promise<{ spec: number; ready: number; uid: unknown } | undefined> {
  const d = await kubeGet(m, depPath(workload));
  if (!d) return undefined;
  return {
    spec: Number((d['spec'] as Obj)['replicas'] ?? 0),
    ready: Number(((d['status'] ?? {}) as Obj)['readyReplicas'] ?? 0),
    uid: meta(d)['uid'],
  };
}

async function snapshot(): Promise<
  Record<string, { spec: number; ready: number; uid: unknown } | undefined>
> {
  const [a, b, c] = await Promise.all([c1, c2, c3].map(deploymentIn));
  return { [c1.name]: a, [c2.name]: b, [c3.name]: c };
}

async function events(object: string): Promise<Obj[]> {
  const res = await rest.call('GET', `/apis/v1/events?object=${encodeURIComponent(object)}`);
  return (res['items'] ?? []) as Obj[];
}

/** Samples ready replicas across the three members until `done` resolves; returns the minimum sum seen. */
function watchReadySum(done: Promise<unknown>): Promise<{ min: number; samples: number }> {
  return (async () => {
    let min = Infinity;
    let samples = 0;
    let finished = false;
    void done.finally(() => (finished = true));
    while (!finished) {
      const s = await snapshot();
      const sum = Object.values(s).reduce((n, d) => n + (d?.ready ?? 0), 0);
      min = Math.min(min, sum);
      samples++;
      await new Promise((r) => setTimeout(r, 250));
    }
    return { min, samples };
  })();
}

beforeAll(async () => {
  [c1, c2, c3] = testMembers() as [MemberInfo, MemberInfo, MemberInfo];
  const logDir = path.join(testRunDir(), 'fleet-failover');
  hub = await startHubProcess({ logDir, extraArgs: ['--heartbeat-interval', '5s'] });
  rest = HubRest.of(hub);
  const [host, port] = hub.grpcAddress.split(':') as [string, string];
  proxy = await startTcpProxy({ host, port: Number(port) });
  const token = await rest.bootstrapToken(3);
  for (const m of [c1, c2]) {
    await startAgentProcess(m, hub, {
      logDir,
      bootstrapToken: token,
      namespace: 'fedhub-failover',
      heartbeatInterval: '',
    });
  }
  await startAgentProcess(c3, hub, {
    logDir,
    bootstrapToken: token,
    namespace: 'fedhub-failover',
    heartbeatInterval: '',
    hubAddress: proxy.address,
  });
  // Pick a workload name for which kubefed's planner gives cluster3 a share, so failback has something to give back.
  const names: [string, string, string] = [c1.name, c2.name, c3.name];
  for (let i = 0; ; i++) {
    const name = `web-${i}`;
    const { plan } = planReplicas({
      totalReplicas: 6,
      rebalance: false,
      preferences: prefs(names),
      clusters: names,
      key: `${NS}/${name}`,
    });
    if ((plan[c3.name] ?? 0) > 0) {
      workload = name;
      before = plan;
      break;
    }
  }
  await until(
    'three clusters ready',
    async () => {
      const list = ((await rest.clusters())['items'] ?? []) as Obj[];
      return list.filter((c) => c['ready'] === true).length === 3 ? true : undefined;
    },
    60_000,
  );
});

afterAll(async () => {
  await stopFleet();
  await proxy?.close();
});

describe('failover and failback', () => {
  it('before the outage, the members run what kubefed planner gives', async () => {
    await rest.apply(`
apiVersion: types.kubefed.io/v1beta1
kind: FederatedNamespace
metadata: {name: ${NS}, namespace: ${NS}}
spec: {placement: {clusterSelector: {}}}
---
apiVersion: types.kubefed.io/v1beta1
kind: FederatedConfigMap
metadata: {name: everywhere, namespace: ${NS}}
spec:
  template: {data: {k: v}}
  placement: {clusterSelector: {}}
---
apiVersion: types.kubefed.io/v1beta1
kind: FederatedDeployment
metadata: {name: ${workload}, namespace: ${NS}}
spec:
  template:
    spec:
      replicas: 1
      selector: {matchLabels: {app: ${workload}}}
      template:
        metadata: {labels: {app: ${workload}}}
        spec: {containers: [{name: web, image: nginx:1.27}]}
  placement: {clusterSelector: {}}
---
apiVersion: scheduling.kubefed.io/v1alpha1
kind: ReplicaSchedulingPreference
metadata: {name: ${workload}, namespace: ${NS}}
spec:
  targetKind: FederatedDeployment
  totalReplicas: 6
  clusters:
    ${c1.name}: {minReplicas: 2, maxReplicas: 3, weight: 1}
    ${c2.name}: {minReplicas: 2, maxReplicas: 5, weight: 2}
    ${c3.name}: {weight: 1}
`);
    const s = await until(
      'the plan running and ready',
      async () => {
        const s = await snapshot();
        const ok = [c1, c2, c3].every(
          (m) => s[m.name]?.spec === (before[m.name] ?? 0) && s[m.name]?.ready === (before[m.name] ?? 0),
        );
        return ok ? s : undefined;
      },
      120_000,
    );
    expect(Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v?.spec]))).toEqual(before);
  });

  it('a member cut off from the hub: the others reach 6 ready within grace + failover delay, and it keeps everything', async () => {
    const c3Before = (await deploymentIn(c3))!;
    const t0 = Date.now();
    proxy.cut();
    const s = await until(
      'cluster1 + cluster2 run 6 ready',
      async () => {
        const s = await snapshot();
        return (s[c1.name]?.ready ?? 0) + (s[c2.name]?.ready ?? 0) >= 6 ? s : undefined;
      },
      GRACE_MS + FAILOVER_DELAY_MS + 30_000,
    );
    const failoverMs = Date.now() - t0;
    const ev = await events(`FederatedDeployment/${NS}/${workload}`);
    const failedOver = ev.find((e) => e['reason'] === 'FailedOver');
    expect(failedOver).toBeDefined();
    console.log(
      `[failover] cut -> FailedOver event ${Number(failedOver!['at']) - t0} ms; cut -> 6 ready in cluster1+cluster2 ${failoverMs} ms`,
    );
    // The silent member was told nothing and lost nothing.
    expect(s[c3.name]).toEqual(c3Before);
    // A duplicated resource is untouched everywhere and shows the silent member as ClusterNotReady.
    for (const m of [c1, c2, c3]) {
      expect(await kubeGet(m, `/api/v1/namespaces/${NS}/configmaps/everywhere`)).toBeDefined();
    }
    const cm = await rest.get('FederatedConfigMap', NS, 'everywhere');
    const lines = (((cm['status'] ?? {}) as Obj)['clusters'] ?? []) as Obj[];
    expect(lines.find((l) => l['cluster'] === c3.name)?.['status']).toBe('ClusterNotReady');
  });

  it('after healing, the member gets its share back after the stabilisation window, and ready replicas never dip below 6', async () => {
    const t1 = Date.now();
    proxy.heal();
    const done = until(
      'the pre-outage plan again',
      async () => {
        const s = await snapshot();
        return [c1, c2, c3].every((m) => s[m.name]?.spec === (before[m.name] ?? 0)) ? s : undefined;
      },
      STABILIZATION_MS + 90_000,
    );
    const watch = watchReadySum(done);
    await done;
    const failbackMs = Date.now() - t1;
    const { min, samples } = await watch;
    console.log(
      `[failover] heal -> plan restored ${failbackMs} ms; minimum ready across members ${min} over ${samples} samples`,
    );
    expect(failbackMs).toBeGreaterThanOrEqual(STABILIZATION_MS);
    expect(min).toBeGreaterThanOrEqual(6);
    const ev = (await events(`FederatedDeployment/${NS}/${workload}`)).map((e) => e['reason']);
    expect(ev).toContain('FailingBack');
    const metrics = parsePrometheusText(await rest.text('/metrics'));
    expect(sampleValue(metrics, 'fedhub_failovers_total')).toBeGreaterThanOrEqual(1);
    expect(sampleValue(metrics, 'fedhub_failbacks_total')).toBeGreaterThanOrEqual(1);
  });

  it('a flapping member (ten quick disconnects) moves replicas a bounded number of times', async () => {
    const specs: string[] = [];
    const record = async () => {
      const s = await snapshot();
      const line = [c1, c2, c3].map((m) => s[m.name]?.spec ?? 0).join(',');
      if (specs[specs.length - 1] !== line) specs.push(line);
    };
    await record();
    for (let i = 0; i < 10; i++) {
      proxy.cut();
      await new Promise((r) => setTimeout(r, 3_000));
      await record();
      proxy.heal();
      await new Promise((r) => setTimeout(r, 1_000));
      await record();
    }
    await record();
    // Each quick cut is shorter than the grace period: at most one failover and one failback.
    expect(specs.length - 1).toBeLessThanOrEqual(2);
    console.log(`[failover] flapping: ${specs.length - 1} replica moves (${specs.join(' -> ')})`);
  });
});
