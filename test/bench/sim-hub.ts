/** A hub process for the simulated-agent sections, and a keep-alive REST client for submissions. */
import https from 'node:https';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHubProcess, type HubProcess } from '../support/fleet.ts';
import { httpRequest } from '../hub/support/http-client.ts';
import type { Target } from './sim-agent.ts';

/**
 * Flags for benchmark hubs: the production heartbeat interval (5 s, not the tests' 1 s), and rate
 * limits out of the way (thousands of agents register from one address).
 */
export const BENCH_HUB_ARGS = [
  '--heartbeat-interval',
  '5s',
  '--rate-limit',
  '1000000',
  '--rate-limit-burst',
  '1000000',
];

export type Obj = Record<string, unknown>;

/** Admin REST calls over one kept-alive TLS connection, so a submission's time is the hub's, not a handshake. */
export class BenchRest {
  private readonly agent = new https.Agent({ keepAlive: true, maxSockets: 4 });
  constructor(private readonly hub: HubProcess) {}

  async call(method: string, p: string, body?: string | object): Promise<Obj> {
    const res = await httpRequest({
      port: this.hub.httpPort,
      caPem: this.hub.caPem,
      method,
      path: p,
      body,
      headers: { authorization: `Bearer ${this.hub.adminToken}` },
      agent: this.agent,
    });
    if (res.status >= 400)
      throw new Error(`hub answered ${res.status} to ${method} ${p}: ${res.text.slice(0, 300)}`);
    return res.body;
  }

  apply(yaml: string): Promise<Obj> {
    return this.call('POST', '/apis/v1/apply', yaml);
  }

  async bootstrapToken(maxUses: number): Promise<string> {
    return String((await this.call('POST', '/apis/v1/bootstrap-tokens', { maxUses }))['token']);
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface SimHub {
  hub: HubProcess;
  rest: BenchRest;
  target: Target;
  pid(): number;
  dbFile: string;
  certFile: string;
  keyFile: string;
  close(): Promise<void>;
}

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

/** Where hub processes write V8 CPU profiles (--profile-hub); undefined: no profiling. */
let profileDir: string | undefined;
export function profileHubsInto(dir: string | undefined): void {
  profileDir = dir;
}

export async function startSimHub(logDir: string, extraArgs: string[] = []): Promise<SimHub> {
  // The hub inherits this process's environment: a preload turns profiling on for it alone.
  const saved = { options: process.env['NODE_OPTIONS'], dir: process.env['FEDHUB_BENCH_PROFILE_DIR'] };
  if (profileDir) {
    const preload = path.join(path.dirname(fileURLToPath(import.meta.url)), 'cpu-profile-preload.ts');
    process.env['NODE_OPTIONS'] = `${saved.options ?? ''} --import tsx --import ${preload}`.trim();
    process.env['FEDHUB_BENCH_PROFILE_DIR'] = profileDir;
  }
  let hub: HubProcess;
  try {
    hub = await startHubProcess({ logDir, extraArgs: [...BENCH_HUB_ARGS, ...extraArgs] });
  } finally {
    restoreEnv('NODE_OPTIONS', saved.options);
    restoreEnv('FEDHUB_BENCH_PROFILE_DIR', saved.dir);
  }
  const rest = new BenchRest(hub);
  return {
    hub,
    rest,
    target: { address: hub.grpcAddress, caPem: hub.caPem },
    pid: () => hub.proc.child.pid!,
    dbFile: path.join(hub.dataDir, 'fedhub.db'),
    certFile: path.join(hub.dataDir, 'pki', 'hub.crt'),
    keyFile: path.join(hub.dataDir, 'pki', 'hub.key'),
    close: async () => {
      rest.close();
      await hub.proc.stop();
      rmSync(hub.dataDir, { recursive: true, force: true });
    },
  };
}

/** A FederatedConfigMap placed by label selector, with `bytes` of data. */
export function federatedConfigMap(
  ns: string,
  name: string,
  selector: Record<string, string>,
  value: string,
): string {
  const labels = Object.entries(selector)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
  return `apiVersion: types.kubefed.io/v1beta1
kind: FederatedConfigMap
metadata: {name: ${name}, namespace: ${ns}}
spec:
  template: {data: {value: "${value}"}}
  placement: {clusterSelector: {matchLabels: {${labels}}}}
`;
}
