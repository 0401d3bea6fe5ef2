// The main job: a hub on its embedded SQLite, three local member control planes, an agent in
// each, and sample federated resources applied with fedctl; prints a status table until the
// federation converges, then leaves everything running until Ctrl-C.
//
//   npm run demo                          interactive: stays up, Ctrl-C tears everything down
//   npm run demo -- --exit-after-converge  for tests and CI: exits 0 once converged (1 on timeout)
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { saveConfig } from '../../hub/fedctl/config-file.ts';
import { CONFIG_API_VERSION } from '../../hub/fedctl/core/connection.ts';
import { startMembers, type Members } from '../../test/harness/control-plane.ts';
import { waitFor } from '../../test/harness/kube-http.ts';
import { startAgentProcess, startHubProcess, stopFleet, type HubProcess } from '../../test/support/fleet.ts';
import { HubRest, type Obj } from '../../test/support/hub-rest.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SAMPLES = path.join(ROOT, 'deploy', 'local', 'samples');
const LABELS: Record<string, Record<string, string>> = {
  cluster1: { region: 'eu', tier: 'gold' },
  cluster2: { region: 'eu' },
  cluster3: { region: 'us' },
};

interface Options {
  dataDir: string;
  exitAfterConverge: boolean;
  timeout: number;
}

function seconds(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 10)
    throw new InvalidArgumentError('must be a whole number of seconds >= 10');
  return n;
}

const t0 = Date.now();
const since = () => `${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s`;
const say = (msg: string) => console.log(`${since()}  ${msg}`);

async function main(opts: Options): Promise<number> {
  const dataDir = path.resolve(opts.dataDir);
  // Demo state only: a fresh hub database and agent state each run, since the members are new each run.
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const logDir = path.join(dataDir, 'logs');

  say(
    'starting 3 member control planes (the first run builds Kubernetes from the Go module proxy: 7-20 min)',
  );
  let members: Members | undefined;
  let stopped: Promise<number> | undefined;
  const teardown = (code: number): Promise<number> =>
    (stopped ??= (async () => {
      say('stopping agents, hub and members');
      await stopFleet();
      await members?.stop();
      say('stopped');
      return code;
    })());
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  // Ctrl-C reaches npm and this process alike, so expect the signal more than once: the first
  // starts the teardown, later ones wait for it.
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => void teardown(0).then((c) => process.exit(c)));
  }

  try {
    members = await startMembers({ count: 3, log: (m) => say(m) });
    const hub = await startHubProcess({ logDir, dataDir: path.join(dataDir, 'hub') });
    say(
      `hub ready: REST https://127.0.0.1:${hub.httpPort}, gRPC ${hub.grpcAddress}, database ${hub.dataDir}/fedhub.db`,
    );
    const fedctlConfig = writeFedctlConfig(dataDir, hub);
    const rest = HubRest.of(hub);
    const token = await rest.bootstrapToken(3);
    const agentPids: Record<string, number> = {};
    for (const m of members.members) {
      const agent = await startAgentProcess(m, hub, {
        logDir,
        bootstrapToken: token,
        stateDir: path.join(dataDir, 'agents', m.name),
        labels: LABELS[m.name] ?? {},
        heartbeatInterval: '',
      });
      agentPids[m.name] = agent.proc.child.pid ?? 0;
    }
    await waitFor(
      'three agents registered',
      async () => (((await rest.clusters())['items'] as Obj[] | undefined)?.length === 3 ? true : undefined),
      { timeoutMs: 60_000 },
    );
    say('3 agents registered; applying deploy/local/samples with fedctl:');
    const applied = fedctl(fedctlConfig, ['apply', '-f', SAMPLES]);
    console.log(applied.trimEnd().replace(/^/gm, '          '));

    const converged = await watchConvergence(rest, opts.timeout * 1000);
    if (!converged) {
      say(`not converged after ${opts.timeout}s; logs: ${logDir}`);
      return teardown(1);
    }
    say('converged');
    printNext(fedctlConfig, members, hub, logDir, agentPids['cluster3'] ?? 0);
    if (opts.exitAfterConverge) return teardown(0);
    await new Promise(() => {});
    return 0;
  } catch (err) {
    console.error(`demo failed: ${(err as Error).message}`);
    return teardown(1);
  }
}

function writeFedctlConfig(dataDir: string, hub: HubProcess): string {
  const file = path.join(dataDir, 'fedctl-config');
  saveConfig(file, {
    apiVersion: CONFIG_API_VERSION,
    kind: 'Config',
    'current-context': 'demo',
    contexts: [
      {
        name: 'demo',
        server: `https://127.0.0.1:${hub.httpPort}`,
        certificateAuthority: hub.caFile,
        tokenFile: path.join(hub.dataDir, 'admin-token'),
        namespace: 'demo',
      },
    ],
  });
  return file;
}

function fedctl(config: string, args: string[]): string {
  const res = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'hub', 'fedctl', 'main.ts'), ...args],
    {
      cwd: ROOT,
      env: { ...process.env, FEDHUB_CONFIG: config },
      encoding: 'utf8',
    },
  );
  if (res.status !== 0) throw new Error(`fedctl ${args.join(' ')} failed: ${res.stderr || res.stdout}`);
  return res.stdout;
}

/** Prints a per-cluster status table whenever it changes, until every resource is Ok and ready. */
async function watchConvergence(rest: HubRest, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const list = ((await rest.call('GET', '/apis/v1/resources?namespace=demo'))['items'] ?? []) as Obj[];
    const rows: string[][] = [];
    let done = list.length > 0;
    for (const r of list) {
      const kind = String(r['kind']);
      if (!kind.startsWith('Federated')) continue;
      const status = (r['status'] ?? {}) as Obj;
      const lines = (status['clusters'] ?? []) as Obj[];
      const cell = (c: string) => String(lines.find((l) => l['cluster'] === c)?.['status'] ?? '-');
      const ready = status['readyReplicas'];
      const want = kind === 'FederatedDeployment' ? 6 : undefined;
      rows.push([
        `${kind}/${String((r['metadata'] as Obj)['name'])}`,
        cell('cluster1'),
        cell('cluster2'),
        cell('cluster3'),
        want === undefined ? '' : `${Number(ready ?? 0)}/${want}`,
      ]);
      const ok = lines.length > 0 && lines.every((l) => l['status'] === 'Ok');
      if (!ok || (want !== undefined && ready !== want)) done = false;
    }
    const table = render([['RESOURCE', 'CLUSTER1', 'CLUSTER2', 'CLUSTER3', 'READY'], ...rows]);
    if (table !== last) {
      console.log(`${since()}  status:\n${table.replace(/^/gm, '          ')}`);
      last = table;
    }
    if (done) return true;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  return false;
}

function render(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]! + 2))
        .join('')
        .trimEnd(),
    )
    .join('\n');
}

function printNext(config: string, members: Members, hub: HubProcess, logDir: string, agent3: number): void {
  const m1 = members.members[0]!;
  console.log(`
Everything is running. In another terminal:

  export FEDHUB_CONFIG=${config}
  npm run fedctl -- get clusters -o wide
  npm run fedctl -- get federateddeployments -n demo
  npm run fedctl -- describe federateddeployment web -n demo
  npm run fedctl -- get events              # cluster transitions, failovers, failbacks
  kubectl --kubeconfig ${m1.kubeconfigPath} get deploy,cm,svc -n demo

Try a failover: freeze cluster3's agent with  kill -STOP ${agent3}  and about 30 s later its replicas
run in cluster1 and cluster2 (cluster3 keeps its own); resume it with  kill -CONT ${agent3}  and after
30 s of stability they come back, cluster3's first. Hub logs and metrics: ${logDir}, https://127.0.0.1:${hub.httpPort}/metrics

Press Ctrl-C to stop everything.`);
}

const program = new Command('demo')
  .description(
    'run a local fedhub federation: hub, three member control planes, three agents, sample resources',
  )
  .option('--data-dir <dir>', 'demo state (wiped at start)', './data/demo')
  .option('--exit-after-converge', 'tear down and exit 0 once converged (non-interactive)', false)
  .option('--timeout <seconds>', 'how long to wait for convergence', seconds, 300)
  .action(async (opts: Options) => {
    process.exitCode = await main(opts);
    if (opts.exitAfterConverge || process.exitCode !== 0) process.exit(process.exitCode);
  });

await program.parseAsync(process.argv);
