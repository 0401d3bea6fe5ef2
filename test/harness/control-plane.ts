import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveKubeBinaries, type KubeBinaries } from './binaries.ts';
import { freePort, kubeRequest, waitFor, type KubeEndpoint } from './kube-http.ts';
import { ProcessGroup, reapStaleRuns, type ManagedProcess } from './processes.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** What a test or a user needs to reach one member cluster. Serializable (handed to test workers). */
export interface MemberInfo {
  name: string;
  server: string;
  kubeconfigPath: string;
  caPem: string;
  token: string;
  dir: string;
  /** pid of the member's kube-apiserver: SIGSTOP takes the member offline, SIGCONT brings it back. */
  apiserverPid: number;
}

export interface StartMembersOptions {
  /** How many members (default 3), named cluster1 … clusterN (as kubefed's samples name them) unless `names` is given. */
  count?: number;
  names?: string[];
  /** Fake nodes per member (default 3), each with 32 CPU, 256Gi memory and 110 pods allocatable. */
  nodes?: number;
  /** Parent of the run directory (default FEDHUB_RUNS_DIR or <repo>/.runs). */
  runsRoot?: string;
  /** Start timeout per member; a 2-core machine needs minutes, not envtest's 20 s (default 240 s). */
  startTimeoutMs?: number;
  log?: (msg: string) => void;
}

export interface Members {
  runDir: string;
  members: MemberInfo[];
  /** Take a member offline: its apiserver stops answering (SIGSTOP). */
  pause(name: string): void;
  /** Bring a paused member back (SIGCONT). */
  resume(name: string): void;
  stop(): Promise<void>;
}

interface MemberProcs {
  info: MemberInfo;
  apiserver: ManagedProcess;
}

/**
 * Starts one etcd and N member control planes on loopback: kube-apiserver (own etcd prefix,
 * cert dir and admin token), kube-controller-manager, kube-scheduler and KWOK with fake Nodes,
 * so Deployments really reach readyReplicas. Every process logs to <runDir>/logs.
 */
export async function startMembers(opts: StartMembersOptions = {}): Promise<Members> {
  const log = opts.log ?? (() => {});
  const names = opts.names ?? Array.from({ length: opts.count ?? 3 }, (_, i) => `cluster${i + 1}`);
  const bins = resolveKubeBinaries();
  const runsRoot = opts.runsRoot ?? process.env['FEDHUB_RUNS_DIR'] ?? path.join(REPO, '.runs');
  reapStaleRuns(runsRoot);
  const runDir = path.join(runsRoot, `run-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);
  mkdirSync(path.join(runDir, 'logs'), { recursive: true });
  const group = new ProcessGroup(runDir);
  const timeoutMs = opts.startTimeoutMs ?? 240_000;
  const procs = new Map<string, MemberProcs>();

  // No signal handlers here: callers decide how to stop (the demo and the CLI handle Ctrl-C, vitest
  // calls teardown), and the process group's watchdog stops everything if the caller dies.
  try {
    const etcdPort = await startEtcd(group, bins, runDir, timeoutMs);
    log(`etcd ready on 127.0.0.1:${etcdPort}`);
    // Start the apiservers together: their start-up dominates and overlaps well.
    const started = await Promise.all(
      names.map((name) => startMember(group, bins, runDir, name, etcdPort, opts.nodes ?? 3, timeoutMs, log)),
    );
    for (const m of started) procs.set(m.info.name, m);
  } catch (err) {
    await group.stopAll(3_000);
    throw err;
  }

  const signal = (name: string, sig: NodeJS.Signals): void => {
    const m = procs.get(name);
    if (!m) throw new Error(`no member named ${name}`);
    process.kill(m.apiserver.pid, sig);
  };
  return {
    runDir,
    members: [...procs.values()].map((m) => m.info),
    pause: (name) => signal(name, 'SIGSTOP'),
    resume: (name) => signal(name, 'SIGCONT'),
    stop: () => group.stopAll(),
  };
}

async function startEtcd(group: ProcessGroup, bins: KubeBinaries, runDir: string, timeoutMs: number) {
  const [client, peer] = [await freePort(), await freePort()];
  const dataDir = path.join(runDir, 'etcd');
  const proc = group.start('etcd', bins.etcd, [
    '--name=fedhub-harness',
    `--data-dir=${dataDir}`,
    `--listen-client-urls=http://127.0.0.1:${client}`,
    `--advertise-client-urls=http://127.0.0.1:${client}`,
    `--listen-peer-urls=http://127.0.0.1:${peer}`,
    `--initial-advertise-peer-urls=http://127.0.0.1:${peer}`,
    `--initial-cluster=fedhub-harness=http://127.0.0.1:${peer}`,
    '--unsafe-no-fsync=true',
    '--quota-backend-bytes=4294967296',
    '--log-level=warn',
  ]);
  await waitFor(
    'etcd health',
    async () => {
      assertRunning(proc);
      const res = await fetch(`http://127.0.0.1:${client}/health`);
      return res.ok && (await res.text()).includes('true') ? true : undefined;
    },
    { timeoutMs },
  );
  return client;
}

function assertRunning(p: ManagedProcess): void {
  if (p.child.exitCode !== null) {
    const tail = readFileSync(p.logPath, 'utf8').split('\n').slice(-15).join('\n');
    throw new Error(
      `${p.name} exited with code ${p.child.exitCode}; last log lines (${p.logPath}):\n${tail}`,
    );
  }
}

function kubeconfig(name: string, ep: KubeEndpoint): string {
  const ca = Buffer.from(ep.caPem).toString('base64');
  return [
    'apiVersion: v1',
    'kind: Config',
    `clusters: [{name: ${name}, cluster: {server: '${ep.server}', certificate-authority-data: ${ca}}}]`,
    `users: [{name: ${name}-admin, user: {token: ${ep.token}}}]`,
    `contexts: [{name: ${name}, context: {cluster: ${name}, user: ${name}-admin, namespace: default}}]`,
    `current-context: ${name}`,
    '',
  ].join('\n');
}

async function startMember(
  group: ProcessGroup,
  bins: KubeBinaries,
  runDir: string,
  name: string,
  etcdPort: number,
  nodes: number,
  timeoutMs: number,
  log: (m: string) => void,
): Promise<MemberProcs> {
  const dir = path.join(runDir, name);
  const certDir = path.join(dir, 'certs');
  mkdirSync(certDir, { recursive: true });
  const token = randomBytes(24).toString('hex');
  writeFileSync(
    path.join(dir, 'tokens.csv'),
    `${token},fedhub-harness-admin,harness-admin,"system:masters"\n`,
    {
      mode: 0o600,
    },
  );
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const saKey = path.join(dir, 'sa.key');
  writeFileSync(saKey, privateKey.export({ type: 'pkcs1', format: 'pem' }), { mode: 0o600 });
  const port = await freePort();
  const server = `https://127.0.0.1:${port}`;
  const apiserver = group.start(`${name}-kube-apiserver`, bins.kubeApiserver, [
    `--etcd-servers=http://127.0.0.1:${etcdPort}`,
    `--etcd-prefix=/${name}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${port}`,
    `--cert-dir=${certDir}`,
    `--service-account-issuer=${server}`,
    `--service-account-key-file=${saKey}`,
    `--service-account-signing-key-file=${saKey}`,
    '--service-cluster-ip-range=10.96.0.0/24',
    `--token-auth-file=${path.join(dir, 'tokens.csv')}`,
    '--authorization-mode=RBAC',
    '--allow-privileged=true',
    '--disable-admission-plugins=ServiceAccount',
    '--enable-priority-and-fairness=false',
    '--profiling=false',
  ]);
  // The apiserver writes its self-signed serving certificate on start; it is the CA of the kubeconfig.
  const caPem = await waitFor(
    `${name} serving certificate`,
    async () => {
      assertRunning(apiserver);
      try {
        return readFileSync(path.join(certDir, 'apiserver.crt'), 'utf8');
      } catch {
        return undefined;
      }
    },
    { timeoutMs },
  );
  const ep: KubeEndpoint = { server, caPem, token };
  const kubeconfigPath = path.join(dir, 'kubeconfig');
  writeFileSync(kubeconfigPath, kubeconfig(name, ep), { mode: 0o600 });
  await waitFor(
    `${name} apiserver /readyz and namespace default`,
    async () => {
      assertRunning(apiserver);
      const ready = await kubeRequest(ep, 'GET', '/readyz');
      if (ready.status !== 200 || ready.body.trim() !== 'ok') return undefined;
      const ns = await kubeRequest(ep, 'GET', '/api/v1/namespaces/default');
      return ns.status === 200 ? true : undefined;
    },
    { timeoutMs, intervalMs: 1_000 },
  );
  log(`${name} apiserver ready at ${server}`);

  const [kcmPort, schedPort] = [await freePort(), await freePort()];
  group.start(`${name}-kube-controller-manager`, bins.kubeControllerManager, [
    `--kubeconfig=${kubeconfigPath}`,
    '--leader-elect=false',
    '--bind-address=127.0.0.1',
    `--secure-port=${kcmPort}`,
    `--cert-dir=${path.join(dir, 'kcm-certs')}`,
    `--service-account-private-key-file=${saKey}`,
    `--root-ca-file=${path.join(certDir, 'apiserver.crt')}`,
    '--use-service-account-credentials=false',
    '--concurrent-deployment-syncs=10',
    '--concurrent-replicaset-syncs=10',
  ]);
  group.start(`${name}-kube-scheduler`, bins.kubeScheduler, [
    `--kubeconfig=${kubeconfigPath}`,
    '--leader-elect=false',
    '--bind-address=127.0.0.1',
    `--secure-port=${schedPort}`,
    `--cert-dir=${path.join(dir, 'scheduler-certs')}`,
  ]);
  group.start(
    `${name}-kwok`,
    bins.kwok,
    [
      `--kubeconfig=${kubeconfigPath}`,
      '--manage-all-nodes=true',
      `--config=${bins.kwokStages}`,
      // KWOK reads ~/.kwok by default; keep it inside the run directory.
      `--node-lease-duration-seconds=40`,
    ],
    { ...process.env, HOME: dir },
  );
  for (let i = 0; i < nodes; i++) {
    const res = await kubeRequest(ep, 'POST', '/api/v1/nodes', fakeNode(`${name}-node-${i + 1}`));
    if (res.status !== 201 && res.status !== 409) {
      throw new Error(`${name}: creating fake node failed: ${res.status} ${res.body}`);
    }
  }
  await waitFor(
    `${name} fake nodes Ready`,
    async () => {
      const res = await kubeRequest(ep, 'GET', '/api/v1/nodes');
      const list = JSON.parse(res.body) as {
        items: Array<{ status?: { conditions?: Array<{ type: string; status: string }> } }>;
      };
      const ready = list.items.filter((n) =>
        n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      );
      return ready.length >= nodes ? true : undefined;
    },
    { timeoutMs, intervalMs: 1_000 },
  );
  log(`${name} ready: ${nodes} fake nodes, kubeconfig ${kubeconfigPath}`);
  return {
    info: { name, server, kubeconfigPath, caPem, token, dir, apiserverPid: apiserver.pid },
    apiserver,
  };
}

function fakeNode(name: string): unknown {
  const resources = { cpu: '32', memory: '256Gi', pods: '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'kwok.x-k8s.io/node': 'fake' },
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        type: 'kwok',
      },
    },
    status: { allocatable: resources, capacity: resources },
  };
}
