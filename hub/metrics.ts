/**
 * The hub's Prometheus metrics. Gauges are read from the engine when scraped (nothing is kept
 * twice); counters and histograms are fed by the engine's observer and the transports.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Engine } from './engine/engine.ts';
import type { EngineObserver } from './engine/write-deps.ts';

export interface HubMetrics {
  readonly registry: Registry;
  readonly observer: EngineObserver;
  /** Connects the scrape-time gauges to the running engine. */
  attach(engine: Engine): void;
  observeSubmission(seconds: number, transport: 'rest' | 'grpc', outcome: 'ok' | 'error'): void;
}

export function createHubMetrics(): HubMetrics {
  const registry = new Registry();
  let engine: Engine | undefined;
  const clusters = () => engine?.listClusters() ?? [];

  new Gauge({
    name: 'fedhub_connected_agents',
    help: 'Agents with an open Sync stream',
    registers: [registry],
    collect() {
      const e = engine;
      this.set(e ? clusters().filter((c) => e.feed.listenerCount(c.name) > 0).length : 0);
    },
  });
  new Gauge({
    name: 'fedhub_cluster_ready',
    help: 'Ready condition of each member cluster from its heartbeats (1 True, 0 False or Unknown)',
    labelNames: ['cluster'],
    registers: [registry],
    collect() {
      this.reset();
      for (const c of clusters())
        this.set({ cluster: c.name }, engine?.health.health(c.name)?.ready === 'True' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'fedhub_cluster_planned',
    help: 'Whether replica planning counts the cluster (Available, or Suspect within the failover delay)',
    labelNames: ['cluster'],
    registers: [registry],
    collect() {
      this.reset();
      for (const c of clusters()) this.set({ cluster: c.name }, c.ready ? 1 : 0);
    },
  });
  new Gauge({
    name: 'fedhub_cluster_applied_revision',
    help: 'The slice revision each cluster last reported applied in full',
    labelNames: ['cluster'],
    registers: [registry],
    collect() {
      this.reset();
      for (const c of clusters()) this.set({ cluster: c.name }, c.appliedRevision);
    },
  });
  new Gauge({
    name: 'fedhub_cluster_revision_lag',
    help: "The cluster slice's newest revision minus the revision it reported applied",
    labelNames: ['cluster'],
    registers: [registry],
    collect() {
      this.reset();
      if (!engine) return;
      for (const c of clusters()) {
        const latest = engine.latestRevision(c.name);
        this.set({ cluster: c.name }, Math.max(0, latest - c.appliedRevision));
      }
    },
  });
  const submissions = new Histogram({
    name: 'fedhub_submission_duration_seconds',
    help: 'Time to validate, store and recompute one apply request',
    labelNames: ['transport', 'outcome'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const propagation = new Histogram({
    name: 'fedhub_propagation_seconds',
    help: 'From a slice change being committed to its cluster reporting it applied (Ok)',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const applyErrors = new Counter({
    name: 'fedhub_apply_errors_total',
    help: 'Per-object failures reported by agents, by per-cluster status',
    labelNames: ['cluster', 'status'],
    registers: [registry],
  });
  const failovers = new Counter({
    name: 'fedhub_failovers_total',
    help: 'Workloads whose replicas moved away from clusters that stopped being available',
    registers: [registry],
  });
  const failbacks = new Counter({
    name: 'fedhub_failbacks_total',
    help: 'Workloads whose replicas started moving back to returning clusters',
    registers: [registry],
  });
  const clusterTransitions = new Counter({
    name: 'fedhub_cluster_transitions_total',
    help: 'Cluster Ready and availability transitions, by reason',
    labelNames: ['reason'],
    registers: [registry],
  });

  return {
    registry,
    attach: (e) => {
      engine = e;
    },
    observeSubmission: (seconds, transport, outcome) => submissions.observe({ transport, outcome }, seconds),
    observer: {
      propagated: (seconds) => propagation.observe(seconds),
      applyFailed: (cluster, status) => applyErrors.inc({ cluster, status }),
      event: (e) => {
        if (e.reason === 'FailedOver') failovers.inc();
        else if (e.reason === 'FailingBack') failbacks.inc();
        else if (e.object.startsWith('Cluster/')) clusterTransitions.inc({ reason: e.reason });
      },
    },
  };
}
