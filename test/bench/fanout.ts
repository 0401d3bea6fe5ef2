/**
 * Section 2, fan-out: N simulated agents on a hub process; one change placed on all of them, timed
 * from submission to the last ack (ReportStatus with the new applied revision). Baseline: a raw
 * grpc-js server streaming the same bytes to N clients, each acking with a unary call.
 */
import { fmt, nowMs, percentiles, sampleProcess, sleep, watchProcess } from './measure.ts';
import { federatedConfigMap, startSimHub } from './sim-hub.ts';
import { AgentPool, RawServer } from './workers.ts';
import { freePort } from '../harness/kube-http.ts';

export interface FanoutRow {
  agents: number;
  connectMs: number;
  hubMs: { p50: number; max: number; samples: number[] };
  /** Submit -> the last agent has the change (before its ack): delivery alone. */
  hubDeliveredMs: { p50: number; max: number; samples: number[] };
  rawMs: { p50: number; max: number; samples: number[] };
  ratio: number;
  hubCpuMsPerChange: number;
  rawCpuMsPerChange: number;
  hubIdleRssKiB: number;
  hubRssKiB: number;
  rssPerAgentKiB: number;
  rawRssPerClientKiB: number;
  hubIdleCpuPct: number;
  payloadBytes: number;
}

const workersFor = (n: number) => (n <= 200 ? 1 : 2);

async function measureHub(n: number, repeats: number, logDir: string) {
  const sim = await startSimHub(logDir);
  const pool = AgentPool.create(workersFor(n));
  try {
    await sleep(2_000);
    const bare = sampleProcess(sim.pid());
    const token = await sim.rest.bootstrapToken(n);
    const names = Array.from({ length: n }, (_, i) => `sim-${String(i).padStart(5, '0')}`);
    const t0 = nowMs();
    await pool.startAgents(sim.target, token, names, {
      labels: { bench: 'fanout' },
      reportObjects: true,
      timeoutMs: 120_000 + n * 200,
    });
    const connectMs = nowMs() - t0;
    // Let connection set-up garbage be collected before reading RSS; the window also measures idle CPU.
    await sleep(5_000);
    const idle = watchProcess(sim.pid());
    await sleep(5_000);
    const idleOut = idle.stop();
    const connected = sampleProcess(sim.pid());
    const samples: number[] = [];
    const delivered: number[] = [];
    let cpu = 0;
    for (let r = 0; r < repeats; r++) {
      await pool.all({ op: 'mark' });
      const w = watchProcess(sim.pid(), 50);
      const t = nowMs();
      await sim.rest.apply(federatedConfigMap('bench', `fan-${r}`, { bench: 'fanout' }, 'x'.repeat(256)));
      const acks = await pool.all<{ lastAckAt: number; lastRecvAt: number }>({
        op: 'waitAdvance',
        timeoutMs: 120_000,
      });
      samples.push(Math.max(...acks.map((a) => a.lastAckAt)) - t);
      delivered.push(Math.max(...acks.map((a) => a.lastRecvAt)) - t);
      cpu += w.stop().cpuMs;
      console.error(`[bench]   change ${r + 1}/${repeats}: ${samples.at(-1)!.toFixed(0)} ms to the last ack`);
      await sleep(500);
    }
    const payload = (await pool.all<{ b64: string }>({ op: 'payload' })).find((p) => p.b64)?.b64 ?? '';
    return {
      connectMs,
      samples,
      delivered,
      cpuPerChange: cpu / repeats,
      bareRss: bare.rssKiB,
      rss: connected.rssKiB,
      idleCpuPct: (100 * idleOut.cpuMs) / idleOut.wallMs,
      payload: Buffer.from(payload, 'base64'),
      caPem: sim.hub.caPem,
      certFile: sim.certFile,
      keyFile: sim.keyFile,
      cleanup: () => sim.close(),
    };
  } finally {
    await pool.close();
  }
}

async function measureRaw(
  n: number,
  repeats: number,
  bytes: Buffer,
  hub: { caPem: string; certFile: string; keyFile: string },
) {
  const server = new RawServer(await freePort(), hub.certFile, hub.keyFile);
  await server.start();
  const pool = AgentPool.create(workersFor(n));
  try {
    await sleep(1_000);
    const bare = sampleProcess(server.pid);
    await pool.startRaw({ address: `127.0.0.1:${server.port}`, caPem: hub.caPem }, n, 120_000 + n * 100);
    await sleep(3_000);
    const connected = sampleProcess(server.pid);
    const samples: number[] = [];
    let cpu = 0;
    for (let r = 0; r < repeats; r++) {
      await pool.all({ op: 'mark' });
      const w = watchProcess(server.pid, 50);
      const t = nowMs();
      await server.broadcast(bytes);
      const acks = await pool.all<{ lastAckAt: number }>({ op: 'waitAdvance', timeoutMs: 60_000 });
      samples.push(Math.max(...acks.map((a) => a.lastAckAt)) - t);
      cpu += w.stop().cpuMs;
      await sleep(300);
    }
    return { samples, cpuPerChange: cpu / repeats, rssPerClient: (connected.rssKiB - bare.rssKiB) / n };
  } finally {
    await pool.close();
    await server.stop();
  }
}

export async function runFanout(opts: { sizes: number[]; repeats: number; logDir: string }) {
  const rows: FanoutRow[] = [];
  for (const n of opts.sizes) {
    console.error(`[bench] fan-out: ${n} agents`);
    const hub = await measureHub(n, opts.repeats, opts.logDir);
    try {
      const bytes = hub.payload.length > 0 ? hub.payload : Buffer.alloc(600, 1);
      const raw = await measureRaw(n, opts.repeats, bytes, hub);
      const h = percentiles(hub.samples);
      const r = percentiles(raw.samples);
      const d = percentiles(hub.delivered);
      rows.push({
        agents: n,
        connectMs: hub.connectMs,
        hubMs: { p50: h.p50, max: h.max, samples: hub.samples },
        hubDeliveredMs: { p50: d.p50, max: d.max, samples: hub.delivered },
        rawMs: { p50: r.p50, max: r.max, samples: raw.samples },
        ratio: h.p50 / r.p50,
        hubCpuMsPerChange: hub.cpuPerChange,
        rawCpuMsPerChange: raw.cpuPerChange,
        hubIdleRssKiB: hub.bareRss,
        hubRssKiB: hub.rss,
        rssPerAgentKiB: (hub.rss - hub.bareRss) / n,
        rawRssPerClientKiB: raw.rssPerClient,
        hubIdleCpuPct: hub.idleCpuPct,
        payloadBytes: hub.payload.length,
      });
    } finally {
      await hub.cleanup();
    }
  }
  return rows;
}

export function fanoutTable(rows: FanoutRow[]): [string[], Array<Array<string | number>>] {
  return [
    [
      'agents',
      'hub p50 ms',
      'hub max ms',
      'delivered p50 ms',
      'raw p50 ms',
      'raw max ms',
      'ratio',
      'hub cpu ms/change',
      'raw cpu ms/change',
      'hub KiB/agent',
      'raw KiB/client',
      'hub idle cpu %',
      'connect s',
    ],
    rows.map((r) => [
      r.agents,
      r.hubMs.p50,
      r.hubMs.max,
      r.hubDeliveredMs.p50,
      r.rawMs.p50,
      r.rawMs.max,
      fmt(r.ratio),
      r.hubCpuMsPerChange,
      r.rawCpuMsPerChange,
      r.rssPerAgentKiB,
      r.rawRssPerClientKiB,
      r.hubIdleCpuPct,
      r.connectMs / 1000,
    ]),
  ];
}
