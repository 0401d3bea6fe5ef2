/**
 * Drives the cluster health state machine (hub/failover/cluster-health.ts) from heartbeats and a
 * clock tick, and acts on its verdicts: a cluster's availability decides whether replica planning
 * counts it (clusters.ready), and every transition is an event and a log line. State lives in
 * memory and is written only on transitions, so heartbeats alone make no health writes.
 */
import type { ClusterHealth } from '../../shared/vocabulary.ts';
import {
  isPlannable,
  registeredClusterHealth,
  resumeClusterHealth,
  stepClusterHealth,
  type ClusterHealthState,
  type HealthConfig,
  type HealthInput,
  type HealthTransition,
} from '../failover/cluster-health.ts';
import { recomputeForCluster, recomputeSources } from './recompute.ts';
import { runWrite, type WriteDeps } from './write-deps.ts';

export interface ClusterHealthView extends ClusterHealthState {
  lastFailedOverAt: number | null;
}

export interface HealthMonitor {
  /** Called after each heartbeat is recorded. */
  onHeartbeat(cluster: string, health: ClusterHealth, message: string): void;
  /** Re-evaluates every cluster at the clock's time, and moves waiting rollouts on. */
  tick(): void;
  health(cluster: string): ClusterHealthView | undefined;
  /** Forgets a removed cluster. */
  forget(cluster: string): void;
  /** Ticks every `intervalMs` until stopped. */
  start(intervalMs: number): void;
  stop(): void;
}

interface Entry {
  state: ClusterHealthState;
  lastFailedOverAt: number | null;
}

interface Change {
  cluster: string;
  entry: Entry;
  transitions: HealthTransition[];
}

export function createHealthMonitor(deps: WriteDeps, cfg: HealthConfig): HealthMonitor {
  const log = deps.log.child({ component: 'health' });
  let entries: Map<string, Entry> | undefined;
  let timer: NodeJS.Timeout | undefined;

  /** Loaded on first use: the stored states, each given a fresh grace period from now. */
  const load = (): Map<string, Entry> => {
    if (entries) return entries;
    const now = deps.clock.now();
    entries = new Map();
    const stored = new Map(deps.store.failover.listHealth().map((h) => [h.cluster, h]));
    for (const c of deps.store.clusters.list()) {
      const h = stored.get(c.name);
      entries.set(c.name, {
        state: h ? resumeClusterHealth(h.state, now) : registeredClusterHealth(now),
        lastFailedOverAt: h?.lastFailedOverAt ?? null,
      });
    }
    return entries;
  };

  /** Steps one cluster in memory; returns its transitions (nothing written yet). */
  const evaluate = (cluster: string, input: HealthInput): Change | undefined => {
    const map = load();
    let entry = map.get(cluster);
    if (!entry) {
      if (!deps.store.clusters.get(cluster)) return undefined;
      entry = { state: registeredClusterHealth(input.atMs), lastFailedOverAt: null };
      map.set(cluster, entry);
    }
    const { state, transitions } = stepClusterHealth(entry.state, input, cfg);
    entry.state = state;
    if (transitions.length === 0) return undefined;
    if (transitions.some((t) => t.kind === 'Availability' && t.to === 'FailedOver'))
      entry.lastFailedOverAt = input.atMs;
    return { cluster, entry, transitions };
  };

  /**
   * Writes the transitions of one moment together, then re-plans once: clusters that go silent
   * at the same time (a hub cut off from everyone) fail over together, and nothing cascades onto
   * whichever of them happened to be evaluated last.
   */
  const persist = (changes: Change[]): void => {
    if (changes.length === 0) return;
    runWrite(deps, (txn) => {
      const moved: string[] = [];
      for (const { cluster, entry, transitions } of changes) {
        txn.store.failover.putHealth(
          { cluster, state: entry.state, lastFailedOverAt: entry.lastFailedOverAt },
          txn.now,
        );
        for (const t of transitions) txn.store.events.record(toEvent(cluster, t));
        const c = txn.store.clusters.get(cluster);
        const wantReady = isPlannable(entry.state.availability);
        if (c && c.ready !== wantReady) {
          txn.store.clusters.setReady(cluster, wantReady);
          moved.push(cluster);
        }
      }
      if (moved.length > 0) recomputeForCluster(deps, txn, moved[0]!, 'readiness');
    });
    for (const { cluster, transitions } of changes) {
      for (const t of transitions) {
        const data = { cluster, from: t.from, to: t.to, reason: t.reason, detail: t.message };
        if (t.kind === 'Ready') log.info(data, 'cluster Ready changed');
        else if (t.to === 'FailedOver' || t.to === 'Suspect') log.warn(data, 'cluster availability changed');
        else log.info(data, 'cluster availability changed');
      }
    }
  };

  const monitor: HealthMonitor = {
    onHeartbeat: (cluster, health, message) => {
      const change = evaluate(cluster, { kind: 'heartbeat', atMs: deps.clock.now(), health, message });
      if (change) persist([change]);
    },
    tick: () => {
      const now = deps.clock.now();
      const changes: Change[] = [];
      for (const cluster of [...load().keys()]) {
        const change = evaluate(cluster, { kind: 'tick', atMs: now });
        if (change) changes.push(change);
      }
      persist(changes);
      const waiting = deps.store.failover.listWaitingRollouts();
      if (waiting.length > 0) {
        runWrite(deps, (txn) =>
          recomputeSources(
            deps,
            txn,
            waiting.map((source) => {
              const [kind = '', namespace = '', name = ''] = source.split('/');
              return { kind, namespace, name };
            }),
          ),
        );
      }
    },
    health: (cluster) => {
      const e = load().get(cluster);
      return e && { ...e.state, lastFailedOverAt: e.lastFailedOverAt };
    },
    forget: (cluster) => {
      load().delete(cluster);
    },
    start: (intervalMs) => {
      if (timer) return;
      timer = setInterval(() => {
        try {
          monitor.tick();
        } catch (err) {
          log.error({ err }, 'health tick failed');
        }
      }, intervalMs);
      timer.unref();
    },
    stop: () => {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
  return monitor;
}

function toEvent(cluster: string, t: HealthTransition) {
  const bad = ['Unknown', 'False', 'Suspect', 'FailedOver'].includes(t.to);
  return {
    at: t.atMs,
    type: bad ? ('Warning' as const) : ('Normal' as const),
    reason: t.kind === 'Ready' ? `Ready${t.to}` : t.reason,
    object: `Cluster/${cluster}`,
    message:
      t.kind === 'Ready' ? `Ready ${t.from} -> ${t.to}: ${t.message}` : `${t.from} -> ${t.to}: ${t.message}`,
  };
}
