/**
 * Sections 1 and 5 on three real members (the harness's kube-apiservers), a hub process and three
 * agent processes:
 *  - propagation: submit -> ConfigMap seen by a watch on each member, per change; baseline: the
 *    same ConfigMaps server-side applied straight to the three API servers from one client,
 *    measured by the same watches, alternating with the hub's changes;
 *  - footprint: one agent's RSS and CPU idle, while applying N objects, and idle holding them;
 *    baseline: the same N ConfigMaps applied directly from one client.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startMembers, type MemberInfo, type Members } from '../harness/control-plane.ts';
import { buildCompiled } from './build.ts';
import { startAgentProcess, type AgentProcess } from '../support/fleet.ts';
import { fmt, nowMs, percentiles, pollUntil, sleep, watchProcess, type Percentiles } from './measure.ts';
import { MemberClient } from './member-client.ts';
import { startSimHub, type SimHub } from './sim-hub.ts';

type Table = [string[], Array<Array<string | number>>];
type Print = (title: string, table: Table, notes?: string[]) => void;

const PROP_NS = 'bench-prop';
const FP_NS = 'bench-fp';
const FP_CLUSTER = 'footprint';

function placedOn(ns: string, name: string, clusters: string[], value: string): string {
  return `apiVersion: types.kubefed.io/v1beta1
kind: FederatedConfigMap
metadata: {name: ${name}, namespace: ${ns}}
spec:
  template: {data: {value: "${value}"}}
  placement: {clusters: [${clusters.map((c) => `{name: ${c}}`).join(', ')}]}
`;
}

export interface PropagationResult {
  changes: number;
  hub: { perMember: Percentiles; allMembers: Percentiles };
  direct: { perMember: Percentiles; allMembers: Percentiles };
  ratioP50: number;
  ratioP99: number;
  /** Where the hub's time goes: REST answer, delta logged by the agent, object seen in the member. */
  breakdown: { restAnswered: Percentiles; agentReceived: Percentiles; receivedToSeen: Percentiles };
}

export interface FootprintResult {
  objects: number;
  /** The compiled agent (node dist/agent/main.js), as the images run it. */
  idle: { windowMs: number; cpuPct: number; rssMiB: number };
  /** The same agent run from source (node --import tsx agent/main.ts), as the e2e fleet runs it. */
  idleUnderTsx: { windowMs: number; cpuPct: number; rssMiB: number };
  applying: { wallMs: number; cpuMs: number; cpuPct: number; peakRssMiB: number };
  idleHolding: { windowMs: number; cpuPct: number; rssMiB: number };
  direct: { wallMs: number };
}

async function seenByAll(clients: MemberClient[], name: string): Promise<number[]> {
  return pollUntil(
    `${name} in every member`,
    () => {
      const at = clients.map((c) => c.seen.get(name));
      return at.every((t) => t !== undefined) ? (at as number[]) : undefined;
    },
    60_000,
    2,
  );
}

/** When each agent logged 'slice update received' for a delta (epoch ms), in log order. */
function deltaReceipts(agent: AgentProcess): number[] {
  return agent.proc
    .log()
    .split('\n')
    .filter((l) => l.includes('"msg":"slice update received"') && l.includes('"kind":"DELTA"'))
    .map((l) => Number((JSON.parse(l) as { time: number }).time));
}

async function propagation(
  sim: SimHub,
  clients: MemberClient[],
  agents: AgentProcess[],
  changes: number,
): Promise<PropagationResult> {
  const before = agents.map((a) => deltaReceipts(a).length);
  const starts: number[] = [];
  const answered: number[] = [];
  const seenAt: number[][] = [];
  const names = clients.map((c) => c.member.name);
  const hubPer: number[] = [];
  const hubAll: number[] = [];
  const directPer: number[] = [];
  const directAll: number[] = [];
  const warmup = 3;
  for (let i = -warmup; i < changes; i++) {
    const hubName = `hub-${i + warmup}`;
    const t = nowMs();
    await sim.rest.apply(placedOn(PROP_NS, hubName, names, `v${i}`));
    const answeredAt = nowMs();
    const hubSeen = await seenByAll(clients, hubName);
    const directName = `direct-${i + warmup}`;
    const t2 = nowMs();
    await Promise.all(clients.map((c) => c.applyConfigMap(PROP_NS, directName, { value: `v${i}` })));
    const directSeen = await seenByAll(clients, directName);
    if (i < 0) continue;
    hubPer.push(...hubSeen.map((s) => s - t));
    hubAll.push(Math.max(...hubSeen) - t);
    directPer.push(...directSeen.map((s) => s - t2));
    directAll.push(Math.max(...directSeen) - t2);
    starts.push(t);
    answered.push(answeredAt - t);
    seenAt.push(hubSeen);
  }
  // Breakdown from the agents' logs (millisecond times): the hub's changes are the only deltas
  // they receive here, one each, in order, warm-up first.
  const received: number[] = [];
  const applied: number[] = [];
  agents.forEach((a, m) => {
    const got = deltaReceipts(a).slice(before[m]! + warmup);
    if (got.length !== starts.length) return;
    got.forEach((at, k) => {
      received.push(at - starts[k]!);
      applied.push(seenAt[k]![m]! - at);
    });
  });
  const hub = { perMember: percentiles(hubPer), allMembers: percentiles(hubAll) };
  const direct = { perMember: percentiles(directPer), allMembers: percentiles(directAll) };
  return {
    changes,
    hub,
    direct,
    ratioP50: hub.allMembers.p50 / direct.allMembers.p50,
    ratioP99: hub.allMembers.p99 / direct.allMembers.p99,
    breakdown: {
      restAnswered: percentiles(answered),
      agentReceived: percentiles(received),
      receivedToSeen: percentiles(applied),
    },
  };
}

/** Starts `node dist/agent/main.js` for `member` under its own cluster name; stopped by the caller. */
async function startCompiledAgent(dist: string, member: MemberInfo, sim: SimHub, logDir: string) {
  const token = await sim.rest.bootstrapToken(1);
  const stateDir = mkdtempSync(path.join(tmpdir(), 'fedhub-bench-agent-'));
  const log = createWriteStream(path.join(logDir, `agent-compiled-${Date.now()}.log`));
  const child = spawn(
    process.execPath,
    [
      path.join(dist, 'agent', 'main.js'),
      ...['--hub', sim.hub.grpcAddress, '--hub-ca-file', sim.hub.caFile, '--cluster-name', FP_CLUSTER],
      ...['--kubeconfig', member.kubeconfigPath, '--state-dir', stateDir, '--namespace', 'fedhub-bench'],
      ...['--bootstrap-token', token, '--label', 'bench=footprint'],
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    pid: child.pid!,
    stop: async () => {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

async function footprint(
  sim: SimHub,
  tsxAgentPid: number,
  compiledPid: number,
  client: MemberClient,
  objects: number,
  idleMs: number,
): Promise<FootprintResult> {
  const tsxIdle = watchProcess(tsxAgentPid, 500);
  const idle = watchProcess(compiledPid, 500);
  await sleep(idleMs);
  const idleOut = idle.stop();
  const tsxIdleOut = tsxIdle.stop();
  await client.watchConfigMaps(FP_NS);
  const w = watchProcess(compiledPid, 100);
  const t0 = nowMs();
  for (let i = 0; i < objects; i += 500) {
    const docs = Array.from({ length: Math.min(500, objects - i) }, (_, j) =>
      placedOn(FP_NS, `fp-${i + j}`, [FP_CLUSTER], `v${i + j}`),
    );
    await sim.rest.apply(docs.join('---\n'));
  }
  const count = () => [...client.seen.keys()].filter((k) => k.startsWith('fp-')).length;
  await pollUntil(
    `${objects} objects applied by the agent`,
    () => (count() >= objects ? true : undefined),
    600_000,
    50,
  );
  const wallMs = nowMs() - t0;
  const applying = w.stop();
  const holding = watchProcess(compiledPid, 500);
  await sleep(idleMs);
  const holdingOut = holding.stop();
  // Baseline: the same objects applied directly, 16 at a time, into another namespace.
  await client.ensureNamespace(`${FP_NS}-direct`);
  const t1 = nowMs();
  for (let i = 0; i < objects; i += 16) {
    await Promise.all(
      Array.from({ length: Math.min(16, objects - i) }, (_, j) =>
        client.applyConfigMap(`${FP_NS}-direct`, `fp-${i + j}`, { value: `v${i + j}` }),
      ),
    );
  }
  const directMs = nowMs() - t1;
  const mib = (k: number) => k / 1024;
  const pct = (o: { cpuMs: number; wallMs: number }) => (100 * o.cpuMs) / o.wallMs;
  return {
    objects,
    idle: { windowMs: idleOut.wallMs, cpuPct: pct(idleOut), rssMiB: mib(idleOut.endRssKiB) },
    idleUnderTsx: { windowMs: tsxIdleOut.wallMs, cpuPct: pct(tsxIdleOut), rssMiB: mib(tsxIdleOut.endRssKiB) },
    applying: { wallMs, cpuMs: applying.cpuMs, cpuPct: pct(applying), peakRssMiB: mib(applying.peakRssKiB) },
    idleHolding: { windowMs: holdingOut.wallMs, cpuPct: pct(holdingOut), rssMiB: mib(holdingOut.endRssKiB) },
    direct: { wallMs: directMs },
  };
}

export async function runMemberSections(opts: {
  changes: number;
  footprint: boolean;
  footprintObjects: number;
  idleMs: number;
  logDir: string;
  print: Print;
}): Promise<{ propagation?: PropagationResult; footprint?: FootprintResult }> {
  const out: { propagation?: PropagationResult; footprint?: FootprintResult } = {};
  console.error('[bench] starting three members');
  let members: Members | undefined;
  let sim: SimHub | undefined;
  const agents: AgentProcess[] = [];
  const clients: MemberClient[] = [];
  const stops: Array<() => Promise<void>> = [];
  try {
    members = await startMembers({ count: 3 });
    sim = await startSimHub(opts.logDir);
    const token = await sim.rest.bootstrapToken(3);
    for (const m of members.members) {
      agents.push(
        await startAgentProcess(m, sim.hub, {
          logDir: opts.logDir,
          bootstrapToken: token,
          // The agents' production defaults, not the fast test settings.
          heartbeatInterval: '',
          extraArgs: ['--status-batch', '500ms', '--resync-period', '5m'],
        }),
      );
      clients.push(new MemberClient(m));
    }
    const s = sim;
    await pollUntil(
      'three clusters ready',
      async () => {
        const items = ((await s.rest.call('GET', '/apis/v1/clusters'))['items'] ?? []) as Array<
          Record<string, unknown>
        >;
        return items.filter((c) => c['ready'] === true).length === 3 ? true : undefined;
      },
      120_000,
      200,
    );
    for (const c of clients) {
      await c.ensureNamespace(PROP_NS);
      await c.ensureNamespace(FP_NS);
      await c.watchConfigMaps(PROP_NS);
    }
    if (opts.changes > 0) {
      console.error(`[bench] propagation: ${opts.changes} changes`);
      const r = await propagation(s, clients, agents, opts.changes);
      out.propagation = r;
      const row = (what: string, p: Percentiles) => [what, p.n, p.p50, p.p95, p.p99, p.max];
      opts.print(
        `propagation: submit -> ConfigMap in the member (ms), ${r.changes} changes, 3 members`,
        [
          ['path', 'samples', 'p50', 'p95', 'p99', 'max'],
          [
            row('hub, each member', r.hub.perMember),
            row('hub, all three', r.hub.allMembers),
            row('direct SSA, each member', r.direct.perMember),
            row('direct SSA, all three', r.direct.allMembers),
            row('hub: submit -> REST answer', r.breakdown.restAnswered),
            row('hub: submit -> agent got delta', r.breakdown.agentReceived),
            row('hub: agent got delta -> seen', r.breakdown.receivedToSeen),
          ],
        ],
        [
          `ratio hub/direct (all three): p50 ${fmt(r.ratioP50)}, p99 ${fmt(r.ratioP99)}; target: hub p99 < 100 ms`,
        ],
      );
    }
    if (opts.footprint) {
      console.error(`[bench] agent footprint: building dist, then ${opts.footprintObjects} objects`);
      const dist = buildCompiled();
      const member = members.members[0]!;
      const compiled = await startCompiledAgent(dist, member, s, opts.logDir);
      stops.push(compiled.stop);
      await pollUntil(
        'footprint cluster ready',
        async () => {
          const items = ((await s.rest.call('GET', '/apis/v1/clusters'))['items'] ?? []) as Array<
            Record<string, unknown>
          >;
          return items.some((c) => c['name'] === FP_CLUSTER && c['ready'] === true) ? true : undefined;
        },
        120_000,
        200,
      );
      // Let start-up settle (first list and watches) before the idle window.
      await sleep(5_000);
      const fpClient = new MemberClient(member);
      clients.push(fpClient);
      const f = await footprint(
        s,
        agents[0]!.proc.child.pid!,
        compiled.pid,
        fpClient,
        opts.footprintObjects,
        opts.idleMs,
      );
      out.footprint = f;
      opts.print(
        `agent footprint on a real member (${f.objects} objects; node dist/agent/main.js)`,
        [
          ['phase', 'wall ms', 'cpu %', 'rss MiB'],
          [
            ['idle, empty', f.idle.windowMs, f.idle.cpuPct, f.idle.rssMiB],
            [
              'idle, empty, run from source (tsx)',
              f.idleUnderTsx.windowMs,
              f.idleUnderTsx.cpuPct,
              f.idleUnderTsx.rssMiB,
            ],
            ['applying (peak rss)', f.applying.wallMs, f.applying.cpuPct, f.applying.peakRssMiB],
            [
              `idle, holding ${f.objects}`,
              f.idleHolding.windowMs,
              f.idleHolding.cpuPct,
              f.idleHolding.rssMiB,
            ],
            ['direct SSA baseline (16 in flight)', f.direct.wallMs, '-', '-'],
          ],
        ],
        ['target: idle agent < 80 MiB RSS'],
      );
    }
  } finally {
    for (const c of clients) c.close();
    await Promise.all([...agents.map((a) => a.proc.stop()), ...stops.map((stop) => stop())]);
    await sim?.close();
    await members?.stop();
  }
  return out;
}
