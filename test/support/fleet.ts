/**
 * The hub and agents as real processes, started from their command lines the way an operator
 * runs them: a hub on its SQLite file, one agent per harness member. Every process's output goes
 * to a log file in the run directory (the log scan reads them); all are stopped by `stopFleet`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MemberInfo } from '../harness/control-plane.ts';
import { freePort, waitFor } from '../harness/kube-http.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const live = new Set<ChildProcess>();

export interface FleetProcess {
  name: string;
  logPath: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  /** SIGTERM and wait (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL and wait: a crash. */
  kill(): Promise<void>;
  /** Everything the process has logged so far. */
  log(): string;
}

function startProcess(name: string, script: string, args: string[], logDir: string): FleetProcess {
  mkdirSync(logDir, { recursive: true });
  const logPath = path.join(logDir, `${name}-${Date.now()}.log`);
  const out = createWriteStream(logPath, { flags: 'a' });
  // node --import tsx, not the tsx wrapper: signals reach the process itself.
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, script), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  child.stdout!.pipe(out, { end: false });
  child.stderr!.pipe(out, { end: false });
  live.add(child);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      live.delete(child);
      resolve(code);
    }),
  );
  const wait = async (sig: NodeJS.Signals, graceMs: number): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(sig);
    const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(t);
  };
  return {
    name,
    logPath,
    child,
    exited,
    stop: (graceMs = 15_000) => wait('SIGTERM', graceMs),
    kill: () => wait('SIGKILL', 5_000),
    log: () => readFileSync(logPath, 'utf8'),
  };
}

/** Kills every fleet process still running (for afterAll). */
export async function stopFleet(): Promise<void> {
  await Promise.all(
    [...live].map(
      (c) =>
        new Promise<void>((resolve) => {
          c.once('exit', () => resolve());
          c.kill('SIGTERM');
          setTimeout(() => c.kill('SIGKILL'), 10_000).unref();
        }),
    ),
  );
}

export interface HubProcess {
  proc: FleetProcess;
  dataDir: string;
  grpcAddress: string;
  httpPort: number;
  /** The CA the hub made on first start (TLS is on by default). */
  caFile: string;
  caPem: string;
  /** The first admin token, which the hub writes to <dataDir>/admin-token. */
  adminToken: string;
  /** Starts the hub again on the same database and ports (after stop or kill). */
  restart(): Promise<void>;
}

export interface HubOptions {
  logDir: string;
  dataDir?: string;
  extraArgs?: string[];
}

export async function startHubProcess(opts: HubOptions): Promise<HubProcess> {
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(tmpdir(), 'fedhub-e2e-hub-'));
  // Fixed ports across restarts, so agents find the hub where it was.
  const [grpcPort, httpPort] = [await freePort(), await freePort()];
  const args = [
    ['--data-dir', dataDir, '--grpc-port', String(grpcPort), '--http-port', String(httpPort)],
    ['--heartbeat-interval', '1s'],
    opts.extraArgs ?? [],
  ].flat();
  const launch = async (): Promise<FleetProcess> => {
    const proc = startProcess('hub', 'hub/main.ts', args, opts.logDir);
    await waitFor(
      'hub ready',
      async () => {
        if (proc.child.exitCode !== null)
          throw new Error(`hub exited ${proc.child.exitCode}:\n${proc.log()}`);
        return proc.log().includes('"msg":"hub ready"') ? true : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    return proc;
  };
  const proc = await launch();
  const caFile = path.join(dataDir, 'pki', 'ca.crt');
  const hub: HubProcess = {
    proc,
    dataDir,
    grpcAddress: `127.0.0.1:${grpcPort}`,
    httpPort,
    caFile,
    caPem: readFileSync(caFile, 'utf8'),
    adminToken: readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim(),
    restart: async () => {
      hub.proc = await launch();
    },
  };
  return hub;
}

export interface AgentProcess {
  proc: FleetProcess;
  member: MemberInfo;
  stateDir: string;
  /** Starts the agent again with the same state directory (after stop or kill). */
  restart(): Promise<void>;
}

export interface AgentOptions {
  logDir: string;
  bootstrapToken: string;
  /** The agent's namespace in the member (default fedhub-system). */
  namespace?: string;
  stateDir?: string;
  labels?: Record<string, string>;
  /** Dial this address instead of the hub's own (a TcpProxy, to cut the agent off). */
  hubAddress?: string;
  /** Heartbeat interval flag (default 1s: fast tests; failover tests use the hub's default). */
  heartbeatInterval?: string;
  extraArgs?: string[];
}

export async function startAgentProcess(
  member: MemberInfo,
  hub: HubProcess,
  opts: AgentOptions,
): Promise<AgentProcess> {
  const stateDir = opts.stateDir ?? mkdtempSync(path.join(tmpdir(), `fedhub-e2e-agent-${member.name}-`));
  const args = [
    ['--hub', opts.hubAddress ?? hub.grpcAddress, '--hub-ca-file', hub.caFile, '--cluster-name', member.name],
    ['--kubeconfig', member.kubeconfigPath, '--state-dir', stateDir],
    ['--namespace', opts.namespace ?? 'fedhub-system', '--bootstrap-token', opts.bootstrapToken],
    opts.heartbeatInterval === undefined
      ? ['--heartbeat-interval', '1s']
      : opts.heartbeatInterval
        ? ['--heartbeat-interval', opts.heartbeatInterval]
        : [],
    ['--status-batch', '200ms', '--resync-period', '30s'],
    Object.entries(opts.labels ?? {}).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
    opts.extraArgs ?? [],
  ].flat();
  const agent: AgentProcess = {
    proc: startProcess(`agent-${member.name}`, 'agent/main.ts', args, opts.logDir),
    member,
    stateDir,
    restart: async () => {
      agent.proc = startProcess(`agent-${member.name}`, 'agent/main.ts', args, opts.logDir);
    },
  };
  return agent;
}
