/** `fedctl agent manifests`: everything a member needs to run an agent, with a fresh bootstrap token. */
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import type { Cli } from '../cli.ts';
import {
  kindsOfManaged,
  managedFromRegistrations,
  parseKinds,
  renderAgentManifests,
  type AgentManifestOptions,
} from '../core/agent-manifests.ts';
import { CliError, UsageError, forObject } from '../core/cli-errors.ts';
import { parseDuration } from '../core/duration.ts';
import { parseLabelList } from '../core/label-args.ts';
import { parseOutput } from './get.ts';

export const DEFAULT_AGENT_IMAGE = 'fedhub-agent:0.1.0';
const DEFAULT_GRPC_PORT = 7443;

export interface AgentManifestsFlags {
  cluster?: string;
  labels?: string;
  hubAddress?: string;
  namespace: string;
  image: string;
  kinds?: string;
  allowNamespaces?: string;
  denyKinds?: string;
  stateVolume: string;
  insecure?: boolean;
  tokenTtl?: string;
  output?: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The agent endpoint on the REST server's host: gRPC listens on 7443 by default. */
export function defaultHubAddress(server: string): string {
  const host = new URL(server).hostname;
  return `${host.includes(':') ? `[${host}]` : host}:${DEFAULT_GRPC_PORT}`;
}

export async function runAgentManifests(cli: Cli, flags: AgentManifestsFlags): Promise<number> {
  const format = parseOutput(flags.output ?? 'yaml', ['yaml', 'json']);
  if (!flags.cluster) throw new UsageError('--cluster NAME is required');
  if (!DNS_LABEL.test(flags.cluster) || flags.cluster.length > 63)
    throw new UsageError(
      `--cluster: ${JSON.stringify(flags.cluster)} must be a DNS label (lower-case letters, digits, '-')`,
    );
  if (!DNS_LABEL.test(flags.namespace))
    throw new UsageError(`--namespace: ${JSON.stringify(flags.namespace)} must be a DNS label`);
  if (flags.stateVolume !== 'pvc' && flags.stateVolume !== 'emptyDir')
    throw new UsageError(`--state-volume must be pvc or emptyDir, got ${JSON.stringify(flags.stateVolume)}`);
  if (
    flags.hubAddress !== undefined &&
    !/^[^\s:]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(flags.hubAddress)
  )
    throw new UsageError(`--hub-address must be host:port, got ${JSON.stringify(flags.hubAddress)}`);
  const labels = flags.labels ? parseLabelList(flags.labels, '--labels') : {};
  const ttlMs = flags.tokenTtl !== undefined ? parseDuration(flags.tokenTtl, '--token-ttl') : undefined;
  const conn = cli.connection();
  const list = (text: string | undefined, flag: string, re: RegExp) => {
    if (text === undefined) return undefined;
    const items = text
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x !== '');
    const bad = items.find((x) => !re.test(x));
    if (bad !== undefined || items.length === 0)
      throw new UsageError(`${flag}: ${JSON.stringify(bad ?? text)} is not a valid entry`);
    return items;
  };
  const allowNamespaces = list(flags.allowNamespaces, '--allow-namespaces', DNS_LABEL);
  const denyKinds = list(flags.denyKinds, '--deny-kinds', /^[A-Z][A-Za-z0-9]*(\.[a-z0-9.-]+)?$/);
  const registrations = await cli.registrations(true);
  const managed = flags.kinds ? parseKinds(flags.kinds) : managedFromRegistrations(registrations);
  // Narrowed kinds become the agent's allow list too: others get a clear Denied status, not a 403.
  const allowKinds =
    flags.kinds && flags.kinds.trim() !== '*' ? kindsOfManaged(managed, registrations) : undefined;
  if (flags.kinds && flags.kinds.trim() !== '*' && !allowKinds)
    cli.io.stderr('warning: some --kinds are unknown to the hub; the agent gets no --allow-kinds list\n');
  let token: { token?: unknown; caPem?: unknown };
  try {
    token = await cli.client().request({
      method: 'POST',
      path: '/apis/v1/bootstrap-tokens',
      body: { description: `agent for cluster ${flags.cluster}`, ...(ttlMs !== undefined ? { ttlMs } : {}) },
    });
  } catch (err) {
    throw forObject(err, 'create failed', `bootstrap token for cluster/${flags.cluster}`);
  }
  if (typeof token.token !== 'string')
    throw new CliError('the hub answered a bootstrap token request without a token');
  // The context's CA wins; else the CA the hub hands out with the token (a hub with its own CA).
  const hubCaPem = conn.certificateAuthority
    ? readCa(conn.certificateAuthority)
    : typeof token.caPem === 'string' && token.caPem !== ''
      ? token.caPem
      : undefined;
  const plaintext = new URL(conn.server).protocol === 'http:';
  const hubTrust: AgentManifestOptions['hubTrust'] =
    flags.insecure || (plaintext && !hubCaPem) ? 'insecure' : hubCaPem ? 'ca' : 'system';
  if (hubTrust === 'insecure')
    cli.io.stderr(
      'warning: the agent will connect to the hub without TLS (plaintext hub); use TLS in production\n',
    );
  const hubAddress = flags.hubAddress ?? defaultHubAddress(conn.server);
  if (/^(127\.|localhost|\[::1\])/.test(hubAddress))
    cli.io.stderr(
      `warning: --hub-address ${hubAddress} is a loopback address; a pod in the member cannot reach it\n`,
    );
  const objects = renderAgentManifests({
    cluster: flags.cluster,
    labels,
    hubAddress,
    namespace: flags.namespace,
    image: flags.image,
    managed,
    bootstrapToken: token.token,
    ...(hubCaPem !== undefined ? { hubCaPem } : {}),
    hubTrust,
    stateVolume: flags.stateVolume,
    guardRails: {
      ...(allowNamespaces ? { allowNamespaces } : {}),
      ...(allowKinds ? { allowKinds } : {}),
      ...(denyKinds ? { denyKinds } : {}),
    },
  });
  cli.io.stdout(
    format === 'json'
      ? `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }, null, 2)}\n`
      : objects.map((o) => stringify(o)).join('---\n'),
  );
  return 0;
}

function readCa(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(
      `cannot read the certificate authority ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
}
