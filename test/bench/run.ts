/**
 * The benchmark suite (issue 8), not a test:
 *   node --import tsx test/bench/run.ts [--quick] [--only propagation,fanout,storm,bulk,footprint,failover]
 *                                       [--out FILE] [--fanout 100,1000,2000] [--failover-log FILE]
 *                                       [--profile-hub DIR]  (V8 CPU profiles of the hub processes)
 * Prints a table per section and writes JSON to .runs/bench/results-<timestamp>.json and
 * .runs/bench/latest.json (or --out). Every section carries its own baseline measured in the same
 * run. Quick mode takes a few minutes on two cores; the full run takes longer (about 15-25 minutes).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { stopFleet } from '../support/fleet.ts';
import { bulkTable, runBulk } from './bulk.ts';
import { failoverTable, readFailover } from './failover.ts';
import { fanoutTable, runFanout } from './fanout.ts';
import { formatTable } from './measure.ts';
import { runMemberSections } from './members.ts';
import { profileHubsInto } from './sim-hub.ts';
import { stormTable, runStorm } from './storm.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SECTIONS = ['fanout', 'storm', 'bulk', 'propagation', 'footprint', 'failover'] as const;
type Section = (typeof SECTIONS)[number];

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    out: { type: 'string' },
    fanout: { type: 'string' },
    'failover-log': { type: 'string' },
    'profile-hub': { type: 'string' },
  },
});
const quick = values.quick;
const only = new Set<string>(values.only ? values.only.split(',') : SECTIONS);
for (const s of only) {
  if (!(SECTIONS as readonly string[]).includes(s)) {
    console.error(`--only: unknown section ${JSON.stringify(s)}; known: ${SECTIONS.join(', ')}`);
    process.exit(2);
  }
}
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const benchDir = path.join(ROOT, '.runs', 'bench');
const logDir = path.join(benchDir, `logs-${stamp}`);
mkdirSync(logDir, { recursive: true });
if (values['profile-hub']) profileHubsInto(path.resolve(values['profile-hub']));

const settings = {
  quick,
  propagationChanges: quick ? 50 : 200,
  fanoutSizes: values.fanout ? values.fanout.split(',').map(Number) : quick ? [100] : [100, 1000, 2000],
  fanoutRepeats: quick ? 3 : 5,
  stormAgents: quick ? 100 : 1000,
  bulkObjects: quick ? 1000 : 10_000,
  bulkClusters: quick ? 20 : 100,
  idleMs: quick ? 10_000 : 30_000,
  footprintObjects: 1000,
};

const results: Record<string, unknown> = {};
const loadAverages: Record<string, number[]> = {};
const report = {
  startedAt: new Date().toISOString(),
  command: `node --import tsx test/bench/run.ts ${process.argv.slice(2).join(' ')}`.trim(),
  machine: {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? '',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
  },
  settings,
  /** 1, 5 and 15 minute load averages when each section started. */
  loadAverages,
  sections: results,
};

function print(title: string, table: [string[], Array<Array<string | number>>], notes: string[] = []) {
  console.log(`\n== ${title}\n${formatTable(...table)}`);
  for (const n of notes) console.log(`   ${n}`);
}

async function section(name: Section, fn: () => Promise<void>): Promise<void> {
  if (!only.has(name)) return;
  const t0 = Date.now();
  // Other work on the machine skews every figure: the load when the section started goes with it.
  loadAverages[name] = os.loadavg().map((l) => Math.round(l * 100) / 100);
  try {
    await fn();
  } catch (err) {
    console.error(`[bench] ${name} failed: ${(err as Error).stack ?? String(err)}`);
    results[name] = { error: (err as Error).message };
  }
  console.error(`[bench] ${name} took ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

async function main() {
  await section('fanout', async () => {
    const rows = await runFanout({ sizes: settings.fanoutSizes, repeats: settings.fanoutRepeats, logDir });
    results['fanout'] = rows;
    print('fan-out: one change placed on N agents, submit -> last ack (ms)', fanoutTable(rows), [
      'target: 1,000 agents in < 1000 ms; < 100 KiB hub RSS per idle agent',
    ]);
  });
  await section('storm', async () => {
    const r = await runStorm({ agents: settings.stormAgents, logDir });
    results['storm'] = r;
    print('reconnect storm: restart under N connected agents', stormTable(r), ['target: no snapshots']);
  });
  await section('bulk', async () => {
    const r = await runBulk({
      objects: settings.bulkObjects,
      clusters: settings.bulkClusters,
      idleMs: settings.idleMs,
      logDir,
    });
    results['bulk'] = r;
    print('bulk: federated objects over simulated clusters', bulkTable(r), [
      'target: zero writes and near-zero CPU while nothing changes',
    ]);
  });
  if (only.has('propagation') || only.has('footprint')) {
    const t0 = Date.now();
    loadAverages['members'] = os.loadavg().map((l) => Math.round(l * 100) / 100);
    try {
      const r = await runMemberSections({
        changes: only.has('propagation') ? settings.propagationChanges : 0,
        footprint: only.has('footprint'),
        footprintObjects: settings.footprintObjects,
        idleMs: settings.idleMs,
        logDir,
        print,
      });
      Object.assign(results, r);
    } catch (err) {
      console.error(`[bench] member sections failed: ${(err as Error).stack ?? String(err)}`);
      results['propagation'] = { error: (err as Error).message };
    }
    console.error(`[bench] member sections took ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  await section('failover', async () => {
    const r = readFailover(values['failover-log']);
    results['failover'] = r;
    print('failover and failback (from the failover e2e output)', failoverTable(r));
  });

  const json = JSON.stringify({ ...report, finishedAt: new Date().toISOString() }, null, 2);
  const out = values.out ?? path.join(benchDir, `results-${stamp}.json`);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, json);
  if (!values.out) writeFileSync(path.join(benchDir, 'latest.json'), json);
  console.log(`\nresults: ${out}; process logs: ${logDir}`);
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(async () => {
    await stopFleet();
    // Keep-alive sockets and IPC channels must not hold the run open.
    process.exit();
  });
