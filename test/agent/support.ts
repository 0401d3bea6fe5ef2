/**
 * Helpers for agent end-to-end tests: start an agent against a real member and a scripted hub,
 * and read the member directly (through the harness's own HTTPS client, not the agent's).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compileAgentConfig } from '../../agent/config.ts';
import { createKubeClient, type KubeClient } from '../../agent/kube/kube-client.ts';
import { startAgent, type Agent } from '../../agent/start-agent.ts';
import { createLogger } from '../../shared/logger.ts';
import type { MemberInfo } from '../harness/control-plane.ts';
import { kubeRequest, waitFor } from '../harness/kube-http.ts';
import type { ScriptedHub } from './scripted-hub.ts';

type Obj = Record<string, unknown>;

export interface AgentUnderTest {
  agent: Agent;
  stateDir: string;
  namespace: string;
  /** Every write (method and path) the agent sent to the member's API server. */
  writes: string[];
}

export async function startTestAgent(
  member: MemberInfo,
  hub: ScriptedHub | { address: string },
  opts: {
    namespace: string;
    stateDir?: string;
    extraArgs?: string[];
    hubCaFile?: string;
    /** Collect every log line (at debug level) here. */
    logLines?: string[];
  },
): Promise<AgentUnderTest> {
  const stateDir = opts.stateDir ?? mkdtempSync(path.join(tmpdir(), 'fedhub-agent-e2e-'));
  const config = compileAgentConfig(
    [
      ['--hub', hub.address, '--cluster-name', member.name],
      opts.hubCaFile ? ['--hub-ca-file', opts.hubCaFile] : ['--insecure'],
      ['--kubeconfig', member.kubeconfigPath, '--state-dir', stateDir, '--namespace', opts.namespace],
      ['--bootstrap-token', 'bootstrap-token', '--status-batch', '100ms', '--heartbeat-interval', '300ms'],
      ['--resync-period', '4s'],
      opts.extraArgs ?? [],
    ].flat(),
    {},
  );
  const sink = opts.logLines;
  const log = sink
    ? createLogger({
        level: 'debug',
        name: `agent-${member.name}`,
        destination: { write: (line: string) => void sink.push(line) },
      })
    : createLogger({ level: process.env['FEDHUB_TEST_LOG'] ?? 'silent', name: `agent-${member.name}` });
  // The agent's own client, with its writes recorded on the way through.
  const real = createKubeClient({
    kubeconfigPath: member.kubeconfigPath,
    inCluster: false,
    timeoutMs: config.kubeTimeoutMs,
  });
  const writes: string[] = [];
  const kube: KubeClient = {
    server: real.server,
    request: (method, p, o) => {
      if (method !== 'GET') writes.push(`${method} ${p}`);
      return real.request(method, p, o);
    },
    watch: (...args) => real.watch(...args),
    close: () => real.close(),
  };
  const agent = await startAgent(config, {
    log,
    kube,
    backoff: { initialMs: 100, maxMs: 1_000, multiplier: 2, jitter: 0.5 },
  });
  return { agent, stateDir, namespace: opts.namespace, writes };
}

/** GET a path on the member as its admin; undefined on 404. */
export async function kubeGet(m: MemberInfo, p: string): Promise<Obj | undefined> {
  const r = await kubeRequest(m, 'GET', p);
  if (r.status === 404) return undefined;
  if (r.status >= 400) throw new Error(`GET ${p}: ${r.status} ${r.body}`);
  return JSON.parse(r.body) as Obj;
}

export async function kubeSend(m: MemberInfo, method: string, p: string, body?: unknown): Promise<Obj> {
  const r = await kubeRequest(m, method, p, body);
  if (r.status >= 400) throw new Error(`${method} ${p}: ${r.status} ${r.body}`);
  return JSON.parse(r.body) as Obj;
}

export function meta(o: Obj | undefined): Obj {
  return ((o ?? {})['metadata'] ?? {}) as Obj;
}

export function until<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
): Promise<T> {
  return waitFor(what, async () => (await check()) ?? undefined, { timeoutMs, intervalMs: 200 });
}

export function configMap(namespace: string, name: string, data: Record<string, string>): Obj {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data };
}

export function namespaceObj(name: string): Obj {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

export function deployment(namespace: string, name: string, replicas: number, image = 'nginx:1.27'): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image }] } },
    },
  };
}

/** A short random suffix so test objects never collide with another run or test file. */
export function suffix(): string {
  return Math.random().toString(36).slice(2, 8);
}
