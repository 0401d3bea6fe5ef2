/**
 * Section 3, reconnect storm: the hub process is restarted (SIGTERM, then started on the same
 * database and ports) under N connected simulated agents; timed from the stop until every agent
 * has resumed its stream and acked, counting the SNAPSHOT messages that took. Baseline: the raw
 * grpc-js server restarted under N raw clients with the same reconnect backoff.
 */
import { freePort } from '../harness/kube-http.ts';
import { nowMs, sleep } from './measure.ts';
import { federatedConfigMap, startSimHub } from './sim-hub.ts';
import { AgentPool, RawServer } from './workers.ts';

export interface StormResult {
  agents: number;
  hubRestartMs: number;
  allResumedMs: number;
  snapshots: number;
  streamsOpened: number;
  rawRestartMs: number;
  rawAllResumedMs: number;
}

type Resumed = { lastAt: number; snapshots: number; streams: number };

export async function runStorm(opts: { agents: number; logDir: string }): Promise<StormResult> {
  const n = opts.agents;
  const workers = n <= 200 ? 1 : 2;
  const sim = await startSimHub(opts.logDir);
  let hubPart: Omit<StormResult, 'rawRestartMs' | 'rawAllResumedMs'>;
  const pool = AgentPool.create(workers);
  try {
    const token = await sim.rest.bootstrapToken(n);
    const names = Array.from({ length: n }, (_, i) => `storm-${String(i).padStart(5, '0')}`);
    await pool.startAgents(sim.target, token, names, {
      labels: { bench: 'storm' },
      reportObjects: true,
      timeoutMs: 120_000 + n * 200,
    });
    const docs = Array.from({ length: 10 }, (_, i) =>
      federatedConfigMap('bench', `storm-${i}`, { bench: 'storm' }, 'v'),
    ).join('---\n');
    await pool.all({ op: 'mark' });
    await sim.rest.apply(docs);
    await pool.all({ op: 'waitAdvance', timeoutMs: 120_000 });
    await sleep(2_000);
    await pool.all({ op: 'mark' });
    const t0 = nowMs();
    await sim.hub.proc.stop();
    await sim.hub.restart();
    const hubRestartMs = nowMs() - t0;
    const out = await pool.all<Resumed>({ op: 'waitResumed', timeoutMs: 180_000 });
    hubPart = {
      agents: n,
      hubRestartMs,
      allResumedMs: Math.max(...out.map((o) => o.lastAt)) - t0,
      snapshots: out.reduce((s, o) => s + o.snapshots, 0),
      streamsOpened: out.reduce((s, o) => s + o.streams, 0),
    };
  } finally {
    await pool.close();
  }
  const server = new RawServer(await freePort(), sim.certFile, sim.keyFile);
  const rawPool = AgentPool.create(workers);
  try {
    await server.start();
    await rawPool.startRaw({ address: `127.0.0.1:${server.port}`, caPem: sim.hub.caPem }, n, 120_000);
    await sleep(2_000);
    await rawPool.all({ op: 'mark' });
    const t0 = nowMs();
    await server.stop();
    await server.start();
    const rawRestartMs = nowMs() - t0;
    await rawPool.all<Resumed>({ op: 'waitResumed', timeoutMs: 180_000 });
    return { ...hubPart, rawRestartMs, rawAllResumedMs: nowMs() - t0 };
  } finally {
    await rawPool.close();
    await server.stop();
    await sim.close();
  }
}

export function stormTable(r: StormResult): [string[], Array<Array<string | number>>] {
  return [
    [
      'agents',
      'hub restart ms',
      'all resumed+acked ms',
      'snapshots',
      'streams opened',
      'raw restart ms',
      'raw all resumed ms',
    ],
    [
      [
        r.agents,
        r.hubRestartMs,
        r.allResumedMs,
        r.snapshots,
        r.streamsOpened,
        r.rawRestartMs,
        r.rawAllResumedMs,
      ],
    ],
  ];
}
