/**
 * Optional HTTP endpoint for probes and scraping (--health-addr): /healthz answers while the agent
 * runs, /readyz once it streams from the hub, /metrics in the Prometheus text format.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Gauge, Registry } from 'prom-client';
import type { ObjectStatusValue } from './core/object-status.ts';
import type { SessionPhase } from './core/session.ts';

export interface HealthSources {
  phase: () => SessionPhase;
  revision: () => number;
  owned: () => number;
  statuses: () => ReadonlyMap<string, ObjectStatusValue>;
}

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

export async function startHealthServer(
  host: string,
  port: number,
  src: HealthSources,
): Promise<HealthServer> {
  const registry = new Registry();
  new Gauge({
    name: 'fedhub_agent_applied_revision',
    help: 'Slice revision applied in full',
    registers: [registry],
    collect() {
      this.set(src.revision());
    },
  });
  new Gauge({
    name: 'fedhub_agent_hub_streaming',
    help: '1 while the sync stream from the hub is open',
    registers: [registry],
    collect() {
      this.set(src.phase() === 'Streaming' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'fedhub_agent_owned_objects',
    help: 'Objects recorded in the ownership ledger',
    registers: [registry],
    collect() {
      this.set(src.owned());
    },
  });
  new Gauge({
    name: 'fedhub_agent_objects',
    help: 'Objects by per-cluster status',
    labelNames: ['status'],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of src.statuses().values()) this.inc({ status: s.status });
    },
  });
  new Gauge({
    name: 'fedhub_agent_drift_corrections',
    help: 'Changes made by others in the member that the agent undid',
    registers: [registry],
    collect() {
      let n = 0;
      for (const s of src.statuses().values()) n += s.driftCorrections;
      this.set(n);
    },
  });

  const server = http.createServer((req, res) => {
    const reply = (code: number, body: string, type = 'text/plain') => {
      res.writeHead(code, { 'content-type': type });
      res.end(body);
    };
    if (req.method !== 'GET') return reply(405, 'method not allowed\n');
    if (req.url === '/healthz') return reply(200, 'ok\n');
    if (req.url === '/readyz') {
      const phase = src.phase();
      return phase === 'Streaming'
        ? reply(200, 'ok\n')
        : reply(503, `not streaming from the hub (${phase})\n`);
    }
    if (req.url === '/metrics') {
      registry.metrics().then(
        (text) => reply(200, text, registry.contentType),
        () => reply(500, 'metrics unavailable\n'),
      );
      return;
    }
    reply(404, 'not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
