/**
 * Agent options, compiled once from argv and the environment: every default lives here,
 * durations become `…Ms`, and anything that cannot work throws ConfigError naming the field.
 * Nothing else in the agent reads process.env.
 */
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../shared/errors.ts';
import type { GuardRails } from './core/guard-rails.ts';

export interface AgentConfig {
  /** host:port of the hub's agent gRPC endpoint. Flag --hub, env FEDHUB_HUB_ADDRESS. Required. */
  hubAddress: string;
  /** Plaintext gRPC to the hub (--insecure). Default false: TLS, verified with `hubCaFile` or system roots. */
  insecure: boolean;
  /** PEM bundle of the hub's CA (--hub-ca-file). */
  hubCaFile: string | undefined;
  /** Name of this member cluster at the hub (--cluster-name, env FEDHUB_CLUSTER_NAME). Required. */
  clusterName: string;
  /** Labels registered for this cluster (--label k=v, repeatable). Default none. */
  labels: Record<string, string>;
  /** Bootstrap token for the first registration (--bootstrap-token, env FEDHUB_BOOTSTRAP_TOKEN). */
  bootstrapToken: string | undefined;
  /** File holding the bootstrap token (--bootstrap-token-file). */
  bootstrapTokenFile: string | undefined;
  /** Directory for the credential and the last known slice (--state-dir, env FEDHUB_STATE_DIR). Default /var/lib/fedhub-agent. */
  stateDir: string;
  /** kubeconfig of the member (--kubeconfig, env KUBECONFIG). Default: in-cluster when running in a pod. */
  kubeconfigPath: string | undefined;
  /** kubeconfig context (--context). Default the current one. */
  kubeContext: string | undefined;
  /** Use the pod's service account (--in-cluster, or implied in a pod without a kubeconfig). */
  inCluster: boolean;
  /** Namespace of the agent and its ledger (--namespace). Default fedhub-system. */
  agentNamespace: string;
  /** Heartbeat interval (--heartbeat-interval). Default: what the hub says at registration, else 5 s. */
  heartbeatIntervalMs: number | undefined;
  /** Full reconcile backstop (--resync-period). Default 5 min. */
  resyncPeriodMs: number;
  /** After the hub identity changes, objects owned under the old identity may be pruned only after this (--hub-change-grace). Default 7 days. */
  hubChangeGraceMs: number;
  /** Hub identity the operator accepts as successor of the previous one: prune under it at once (--accept-hub-id). */
  acceptHubId: string | undefined;
  /** Take over existing objects the agent did not create (--adopt). Default false: AlreadyExists. */
  adopt: boolean;
  /** How long status changes are gathered before one report (--status-batch). Default 500 ms. */
  statusBatchMs: number;
  /** Timeout of each call to the member API server (--kube-timeout). Default 15 s. */
  kubeTimeoutMs: number;
  /** Rotate the cluster credential this often (--rotate-credential-every). Default never. */
  rotateCredentialEveryMs: number | undefined;
  /** Member-side guard rails (--allow-namespaces, --allow-kinds, --deny-kinds, --allow-cluster-admin-bindings). Default: any namespace and kind, no cluster-admin bindings. */
  guardRails: GuardRails;
  /** host:port of the probe and metrics endpoint (--health-addr). Default off. */
  healthAddr: { host: string; port: number } | undefined;
  /** Log level (--log-level). Default info. */
  logLevel: string;
}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "500ms", "5s", "10m", "24h", "7d", or plain milliseconds. */
export function parseDurationMs(field: string, v: string): number {
  const m = DURATION.exec(v.trim());
  if (!m)
    throw new ConfigError(`${field}: ${JSON.stringify(v)} is not a duration (e.g. 500ms, 5s, 10m, 24h)`);
  const ms = Math.round(Number(m[1]) * (UNIT_MS[m[2] ?? 'ms'] ?? 1));
  if (!(ms > 0)) throw new ConfigError(`${field} must be > 0`);
  return ms;
}

/** Node timers cannot wait longer than this (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A duration the agent waits on with a timer. */
function parseTimerMs(field: string, v: string): number {
  const ms = parseDurationMs(field, v);
  if (ms > MAX_TIMER_MS) throw new ConfigError(`${field} must be at most 24d`);
  return ms;
}

const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

const KIND_NAME = /^[A-Z][A-Za-z0-9]*(\.[a-z0-9]([-a-z0-9.]*[a-z0-9])?)?$/;

function parseList(field: string, v: string, item: RegExp): string[] {
  const items = v
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');
  if (items.length === 0) throw new ConfigError(`${field}: must name at least one entry`);
  for (const x of items)
    if (!item.test(x)) throw new ConfigError(`${field}: ${JSON.stringify(x)} is not valid`);
  return items;
}

function parseHostPort(field: string, v: string | undefined): { host: string; port: number } | undefined {
  if (v === undefined) return undefined;
  const m = /^(.*):(\d{1,5})$/.exec(v);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) throw new ConfigError(`${field}: ${JSON.stringify(v)} is not host:port`);
  return { host: m[1] === '' ? '0.0.0.0' : m[1]!, port };
}

function parseLabel(v: string): [string, string] {
  const i = v.indexOf('=');
  const [k, val] = i < 0 ? [v, ''] : [v.slice(0, i), v.slice(i + 1)];
  if (!LABEL_KEY.test(k)) throw new ConfigError(`labels: ${JSON.stringify(k)} is not a valid label key`);
  if (!LABEL_VALUE.test(val))
    throw new ConfigError(`labels: ${JSON.stringify(val)} is not a valid label value for ${k}`);
  return [k, val];
}

function buildProgram(): Command {
  return new Command('fedhub-agent')
    .description('fedhub member agent: pulls this cluster’s slice from the hub and applies it')
    .option('--hub <host:port>', 'hub agent endpoint')
    .option('--insecure', 'plaintext gRPC to the hub (no TLS)')
    .option('--hub-ca-file <path>', 'PEM CA bundle to verify the hub')
    .option('--cluster-name <name>', 'name of this member cluster')
    .option(
      '--label <key=value>',
      'cluster label (repeatable)',
      (v: string, acc: string[]) => [...acc, v],
      [],
    )
    .option('--bootstrap-token <token>', 'bootstrap token for the first registration')
    .option('--bootstrap-token-file <path>', 'file holding the bootstrap token')
    .option('--state-dir <dir>', 'directory for the credential and the last known slice')
    .option('--kubeconfig <path>', 'kubeconfig of the member cluster')
    .option('--context <name>', 'kubeconfig context')
    .option('--in-cluster', 'use the pod service account')
    .option('--namespace <ns>', 'agent namespace (ledger lives here)', 'fedhub-system')
    .option('--heartbeat-interval <duration>', 'heartbeat interval (default: from the hub, else 5s)')
    .option('--resync-period <duration>', 'full reconcile backstop', '5m')
    .option('--hub-change-grace <duration>', 'wait before pruning objects of a previous hub identity', '7d')
    .option('--accept-hub-id <id>', 'accept this hub identity as successor of the previous one')
    .option('--adopt', 'take over existing objects the agent did not create')
    .option('--status-batch <duration>', 'status report batching window', '500ms')
    .option('--kube-timeout <duration>', 'timeout of each member API call', '15s')
    .option(
      '--rotate-credential-every <duration>',
      'rotate the cluster credential this often (default never)',
    )
    .option('--allow-namespaces <list>', 'comma-separated namespaces the hub may use (default any)')
    .option('--allow-kinds <list>', 'comma-separated Kind or Kind.group the hub may place (default any)')
    .option('--deny-kinds <list>', 'comma-separated Kind or Kind.group the hub may never place')
    .option('--allow-cluster-admin-bindings', 'let the hub bind subjects to cluster-admin')
    .option('--health-addr <host:port>', 'serve /healthz, /readyz and /metrics here (default off)')
    .option('--log-level <level>', 'log level', 'info')
    .exitOverride()
    .configureOutput({ writeErr: () => {}, writeOut: () => {} })
    .allowExcessArguments(false);
}

/** The CLI help text. */
export function agentHelp(): string {
  return buildProgram().helpInformation();
}

/**
 * Compiles the agent's options. `argv` holds only the arguments (no node and script path);
 * `env` is consulted for the documented fallbacks.
 */
export function compileAgentConfig(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): AgentConfig {
  const program = buildProgram();
  try {
    program.parse([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) throw new ConfigError(err.message.replace(/^error: /, ''));
    throw err;
  }
  const o = program.opts<Record<string, string | boolean | string[] | undefined>>();
  const str = (k: string): string | undefined => (typeof o[k] === 'string' ? (o[k] as string) : undefined);

  const hubAddress = str('hub') ?? env['FEDHUB_HUB_ADDRESS'] ?? '';
  if (hubAddress === '') throw new ConfigError('hubAddress: required (--hub or FEDHUB_HUB_ADDRESS)');
  if (!/^[^\s/]+:\d{1,5}$/.test(hubAddress))
    throw new ConfigError(`hubAddress: ${JSON.stringify(hubAddress)} is not host:port`);

  const clusterName = str('clusterName') ?? env['FEDHUB_CLUSTER_NAME'] ?? '';
  if (clusterName === '')
    throw new ConfigError('clusterName: required (--cluster-name or FEDHUB_CLUSTER_NAME)');
  if (!DNS_LABEL.test(clusterName))
    throw new ConfigError(`clusterName: ${JSON.stringify(clusterName)} is not a DNS label`);

  const agentNamespace = str('namespace') ?? 'fedhub-system';
  if (!DNS_LABEL.test(agentNamespace))
    throw new ConfigError(`agentNamespace: ${JSON.stringify(agentNamespace)} is not a DNS label`);

  const bootstrapToken = str('bootstrapToken') ?? env['FEDHUB_BOOTSTRAP_TOKEN'];
  const bootstrapTokenFile = str('bootstrapTokenFile');
  if (bootstrapToken !== undefined && bootstrapTokenFile !== undefined) {
    throw new ConfigError('bootstrapToken: give either a token or a token file, not both');
  }

  const insecure = o['insecure'] === true;
  const hubCaFile = str('hubCaFile');
  if (insecure && hubCaFile) throw new ConfigError('hubCaFile: cannot be used with --insecure');

  const kubeconfigPath = str('kubeconfig') ?? (env['KUBECONFIG'] || undefined);
  const inPod = env['KUBERNETES_SERVICE_HOST'] !== undefined && env['KUBERNETES_SERVICE_HOST'] !== '';
  const inCluster = o['inCluster'] === true || (kubeconfigPath === undefined && inPod);
  if (o['inCluster'] === true && str('kubeconfig'))
    throw new ConfigError('kubeconfigPath: cannot be used with --in-cluster');

  const allowNamespaces = str('allowNamespaces');
  const allowKinds = str('allowKinds');
  const denyKinds = str('denyKinds');
  const hb = str('heartbeatInterval');
  const rot = str('rotateCredentialEvery');
  const labels = Object.fromEntries(((o['label'] as string[] | undefined) ?? []).map(parseLabel));
  const acceptHubId = str('acceptHubId');
  if (acceptHubId !== undefined && acceptHubId.trim() === '')
    throw new ConfigError('acceptHubId: must not be empty');
  const stateDir = str('stateDir') ?? env['FEDHUB_STATE_DIR'] ?? '/var/lib/fedhub-agent';
  if (stateDir.trim() === '') throw new ConfigError('stateDir: must not be empty');

  return {
    hubAddress,
    insecure,
    hubCaFile,
    clusterName,
    labels,
    bootstrapToken,
    bootstrapTokenFile,
    stateDir,
    kubeconfigPath: inCluster ? undefined : kubeconfigPath,
    kubeContext: str('context'),
    inCluster,
    agentNamespace,
    heartbeatIntervalMs: hb === undefined ? undefined : parseTimerMs('heartbeatIntervalMs', hb),
    resyncPeriodMs: parseTimerMs('resyncPeriodMs', str('resyncPeriod') ?? '5m'),
    hubChangeGraceMs: parseDurationMs('hubChangeGraceMs', str('hubChangeGrace') ?? '7d'),
    acceptHubId,
    adopt: o['adopt'] === true,
    statusBatchMs: parseTimerMs('statusBatchMs', str('statusBatch') ?? '500ms'),
    kubeTimeoutMs: parseTimerMs('kubeTimeoutMs', str('kubeTimeout') ?? '15s'),
    rotateCredentialEveryMs: rot === undefined ? undefined : parseDurationMs('rotateCredentialEveryMs', rot),
    guardRails: {
      allowNamespaces:
        allowNamespaces === undefined ? undefined : parseList('allowNamespaces', allowNamespaces, DNS_LABEL),
      allowKinds: allowKinds === undefined ? undefined : parseList('allowKinds', allowKinds, KIND_NAME),
      denyKinds: denyKinds === undefined ? [] : parseList('denyKinds', denyKinds, KIND_NAME),
      allowClusterAdminBindings: o['allowClusterAdminBindings'] === true,
    },
    healthAddr: parseHostPort('healthAddr', str('healthAddr')),
    logLevel: str('logLevel') ?? 'info',
  };
}
