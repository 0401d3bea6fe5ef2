/**
 * Status reports (batched, only what changed since the last acknowledged report) and
 * heartbeats (fixed interval, member health and facts). Both are quiet while the hub is
 * unreachable and catch up once it answers again.
 */
import type { Logger } from '../shared/logger.ts';
import { computeStatusDelta, type ObjectStatusValue } from './core/object-status.ts';
import type { ClusterFactsWire, HubClient } from './grpc/hub-client.ts';
import type { ClusterHealthView } from './kube/cluster-facts.ts';

export interface StatusReporterDeps {
  hub: HubClient;
  log: Logger;
  clusterName: string;
  batchMs: number;
  credential: () => string | undefined;
  statuses: () => ReadonlyMap<string, ObjectStatusValue>;
  appliedRevision: () => number;
  signal: AbortSignal;
}

export interface StatusReporter {
  /** Something may have changed: report within the batching window. */
  schedule(): void;
  /** Forget what was reported (a new hub session): the next report carries everything. */
  reset(): void;
  /** Sends a pending report now; resolves when done. */
  flush(): Promise<void>;
  stop(): void;
}

const RETRY_MS = 5_000;

export function createStatusReporter(deps: StatusReporterDeps): StatusReporter {
  let reported = new Map<string, ObjectStatusValue>();
  let reportedRevision = -1;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;

  async function send(): Promise<void> {
    const credential = deps.credential();
    if (!credential || deps.signal.aborted) return;
    const current = new Map(deps.statuses());
    const revision = deps.appliedRevision();
    const delta = computeStatusDelta(reported, current);
    if (delta.changed.length === 0 && delta.removed.length === 0 && revision === reportedRevision) return;
    try {
      await deps.hub.reportStatus(
        {
          clusterName: deps.clusterName,
          appliedRevision: revision,
          objects: delta.changed,
          removed: delta.removed,
        },
        credential,
        deps.signal,
      );
      reported = current;
      reportedRevision = revision;
      deps.log.debug(
        { changed: delta.changed.length, removed: delta.removed.length, revision },
        'status reported',
      );
    } catch (err) {
      deps.log.debug({ err }, 'status report failed; will retry');
      if (!deps.signal.aborted) timer ??= setTimeout(fire, RETRY_MS);
    }
  }

  function fire() {
    timer = undefined;
    if (running) {
      again = true;
      return;
    }
    running = send().finally(() => {
      running = undefined;
      if (again) {
        again = false;
        schedule();
      }
    });
  }

  function schedule() {
    if (deps.signal.aborted) return;
    timer ??= setTimeout(fire, deps.batchMs);
  }

  return {
    schedule,
    reset() {
      reported = new Map();
      reportedRevision = -1;
      schedule();
    },
    async flush() {
      clearTimeout(timer);
      timer = undefined;
      await running;
      fire();
      await running;
    },
    stop() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}

export interface HeartbeaterDeps {
  hub: HubClient;
  log: Logger;
  clusterName: string;
  credential: () => string | undefined;
  intervalMs: () => number;
  health: () => Promise<ClusterHealthView>;
  facts: () => Promise<ClusterFactsWire>;
  appliedRevision: () => number;
  /** Extra words for the heartbeat message (e.g. a pending hub identity decision). */
  note: () => string;
  now: () => number;
}

/** Sends heartbeats until `signal` aborts. */
export async function runHeartbeats(deps: HeartbeaterDeps, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    const credential = deps.credential();
    if (credential) {
      try {
        const [h, facts] = await Promise.all([deps.health(), deps.facts()]);
        const message = [h.message, deps.note()].filter((m) => m !== '').join('; ');
        await deps.hub.heartbeat(
          {
            clusterName: deps.clusterName,
            health: h.health,
            message,
            facts,
            appliedRevision: deps.appliedRevision(),
            sentAtMs: deps.now(),
          },
          credential,
          signal,
        );
      } catch (err) {
        if (!signal.aborted) deps.log.debug({ err }, 'heartbeat failed');
      }
    }
    await new Promise<void>((resolve) => {
      const t = setTimeout(done, deps.intervalMs());
      function done() {
        clearTimeout(t);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
