/**
 * Starts one agent: loads its local state and the ownership ledger, keeps enforcing the last
 * known slice (drift watches plus a periodic backstop) whether or not the hub answers, and runs
 * the hub session, status reports and heartbeats. `stop()` winds everything down in order.
 */
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from '../shared/logger.ts';
import type { AgentConfig } from './config.ts';
import { DEFAULT_BACKOFF, computeBackoffMs, type BackoffPolicy } from './core/backoff.ts';
import { computeNextDesired, emptyDesiredState, type SliceUpdate } from './core/desired-set.ts';
import type { SessionPhase } from './core/session.ts';
import { createHubClient, type ClusterFactsWire, type HubClient } from './grpc/hub-client.ts';
import { startHealthServer } from './health-server.ts';
import { createHubSession, readTokenFile } from './hub-session.ts';
import { readClusterFacts, readClusterHealth } from './kube/cluster-facts.ts';
import { createKubeClient, type KubeClient } from './kube/kube-client.ts';
import { loadLedger, type Ledger } from './kube/ledger.ts';
import { createMemberObjects } from './kube/objects.ts';
import { createWatchers } from './kube/watchers.ts';
import { createReconciler } from './reconciler.ts';
import { createStatusReporter, runHeartbeats } from './reporters.ts';
import { openStateStore, type PersistedState } from './state-store.ts';
import { AGENT_VERSION } from './version.ts';

export interface AgentDeps {
  log: Logger;
  /** Default Date.now. */
  now?: () => number;
  /** Default Math.random. */
  random?: () => number;
  /** Reconnect policy. Default DEFAULT_BACKOFF (0.5 s doubling to 30 s, half jittered). */
  backoff?: BackoffPolicy;
  /** Client of the hub; default one built from the config. */
  hub?: HubClient;
  /** Client of the member API server; default one built from the config. */
  kube?: KubeClient;
}

export interface Agent {
  /** Session lifecycle, consecutive failures talking to the hub, hub identity and the revision applied in full. */
  state(): { phase: SessionPhase; failures: number; hubId: string; revision: number };
  /** Port of the health endpoint when --health-addr is set. */
  healthPort: number | undefined;
  /** Exchanges the cluster credential for a new one and stores it; the sync stream reconnects with it. */
  rotateCredential(): Promise<void>;
  /** Runs a full reconcile now (tests, and an operator's nudge). */
  reconcileNow(): Promise<void>;
  /** Stops watching and syncing; nothing in the member is touched. */
  stop(): Promise<void>;
}

const FACTS_TTL_MS = 30_000;
const DEFAULT_HEARTBEAT_MS = 5_000;
const DRIFT_DEBOUNCE_MS = 100;
const PROGRESS_RECHECK_MS = 5_000;
const FAILED_PASS_RETRY_MS = 5_000;

function channelCredentials(config: AgentConfig): grpc.ChannelCredentials {
  if (config.insecure) return grpc.credentials.createInsecure();
  return grpc.credentials.createSsl(config.hubCaFile ? readFileSync(config.hubCaFile) : null);
}

async function loadLedgerPatiently(
  load: () => Promise<Ledger>,
  deps: AgentDeps,
  signal: AbortSignal,
): Promise<Ledger> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await load();
    } catch (err) {
      if (signal.aborted) throw err;
      const ms = computeBackoffMs(attempt, deps.backoff ?? DEFAULT_BACKOFF, deps.random ?? Math.random);
      deps.log.warn({ err, ms }, 'ownership ledger not readable; retrying');
      await new Promise((r) => setTimeout(r, ms));
    }
  }
}

export async function startAgent(config: AgentConfig, deps: AgentDeps): Promise<Agent> {
  const log = deps.log.child({ component: 'agent', cluster: config.clusterName });
  const now = deps.now ?? Date.now;
  const ctl = new AbortController();
  const signal = ctl.signal;
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => (timers.delete(t), fn()), ms);
    timers.add(t);
  };

  const store = openStateStore(config.stateDir);
  let persisted: PersistedState = store.readState() ?? {
    desired: emptyDesiredState(),
    previousHubIds: [],
    hubChangedAtMs: 0,
  };
  const kube =
    deps.kube ??
    createKubeClient({
      kubeconfigPath: config.kubeconfigPath,
      inCluster: config.inCluster,
      context: config.kubeContext,
      timeoutMs: config.kubeTimeoutMs,
    });
  const hub =
    deps.hub ??
    createHubClient({ address: config.hubAddress, channelCredentials: channelCredentials(config) });
  const objects = createMemberObjects(kube);
  const ledger = await loadLedgerPatiently(() => loadLedger(objects, config.agentNamespace), deps, signal);
  log.info(
    {
      server: kube.server,
      hubId: persisted.desired.hubId,
      revision: persisted.desired.revision,
      owned: ledger.entries().size,
    },
    'agent starting',
  );

  function foreignHubIds(): string[] {
    const hubId = persisted.desired.hubId;
    return [...new Set([...ledger.entries().values()].map((e) => e.hubId))].filter(
      (h) => h !== hubId && h !== '',
    );
  }

  /** Hub identities whose ledger entries may be pruned: the current one; older ones once accepted or after the grace. */
  function prunableHubIds(): Set<string> {
    const hubId = persisted.desired.hubId;
    const out = new Set<string>(hubId ? [hubId] : []);
    const graceOver =
      persisted.hubChangedAtMs > 0 && now() - persisted.hubChangedAtMs >= config.hubChangeGraceMs;
    if ((hubId !== '' && config.acceptHubId === hubId) || graceOver)
      for (const h of foreignHubIds()) out.add(h);
    return out;
  }

  function hubChangeNote(): string {
    const foreign = foreignHubIds();
    if (foreign.length === 0 || prunableHubIds().has(foreign[0]!)) return '';
    const until = new Date(persisted.hubChangedAtMs + config.hubChangeGraceMs).toISOString();
    return `objects applied for hub ${foreign.join(', ')} are kept, not pruned, until ${until} or until hub ${persisted.desired.hubId} is accepted (--accept-hub-id)`;
  }

  let heartbeatFromHub = 0;
  let registered = false;
  const statusReporter = createStatusReporter({
    hub,
    log,
    clusterName: config.clusterName,
    batchMs: config.statusBatchMs,
    credential: () => (registered ? store.readCredential() : undefined),
    statuses: () => reconciler.statuses(),
    appliedRevision: () => persisted.desired.revision,
    signal,
  });
  const reconciler = createReconciler({
    objects,
    ledger,
    log,
    adopt: config.adopt,
    guardRails: config.guardRails,
    kubeTimeoutMs: config.kubeTimeoutMs,
    onStatusChange: () => statusReporter.schedule(),
  });
  reconciler.setDesired(persisted.desired, prunableHubIds());

  // Drift: the watchers name changed keys; a short debounce gathers bursts into one pass.
  const dirty = new Set<string>();
  let kickScheduled = false;
  let fullPending = false;
  // Failed passes are retried sooner than the resync, backing off so a rejected object is not hammered.
  let failedStreak = 0;
  function retryFailed() {
    const ms = Math.min(config.resyncPeriodMs, FAILED_PASS_RETRY_MS * 2 ** Math.min(failedStreak, 10));
    failedStreak++;
    later(ms, () => markDirty('all'));
  }
  async function runPass(keys: string[] | 'all'): Promise<void> {
    try {
      // The hub-change grace may have run out since the last pass.
      if (keys === 'all') reconciler.setDesired(persisted.desired, prunableHubIds());
      const r =
        keys === 'all' ? await reconciler.reconcileAll(signal) : await reconciler.reconcileKeys(keys, signal);
      if (r.progressing.length > 0) later(PROGRESS_RECHECK_MS, () => markDirty(r.progressing));
      if (r.failed > 0) retryFailed();
      else failedStreak = 0;
    } catch (err) {
      if (signal.aborted) return;
      log.warn({ err }, 'reconcile pass failed');
      retryFailed();
    }
  }
  function markDirty(keys: Iterable<string> | 'all') {
    if (signal.aborted) return;
    if (keys === 'all') fullPending = true;
    else for (const k of keys) dirty.add(k);
    if (kickScheduled) return;
    kickScheduled = true;
    later(DRIFT_DEBOUNCE_MS, () => {
      kickScheduled = false;
      const full = fullPending;
      const batch = [...dirty];
      fullPending = false;
      dirty.clear();
      void runPass(full ? 'all' : batch);
    });
  }
  const watchers = createWatchers({
    objects,
    log,
    onChange: (key) => markDirty([key]),
    onRelist: () => markDirty('all'),
  });
  watchers.ensure(reconciler.watchTargets());

  let factsCache: { at: number; facts: ClusterFactsWire } | undefined;
  async function facts(): Promise<ClusterFactsWire> {
    if (factsCache && now() - factsCache.at < FACTS_TTL_MS) return factsCache.facts;
    try {
      const f = await readClusterFacts(kube, config.kubeTimeoutMs);
      factsCache = { at: now(), facts: { ...f, agentVersion: AGENT_VERSION } };
    } catch (err) {
      log.debug({ err }, 'cluster facts not read');
      return (
        factsCache?.facts ?? {
          kubernetesVersion: '',
          nodeCount: 0,
          allocatable: {},
          agentVersion: AGENT_VERSION,
        }
      );
    }
    return factsCache.facts;
  }

  async function applyUpdate(update: SliceUpdate): Promise<void> {
    const before = persisted.desired;
    const next = computeNextDesired(before, update);
    persisted = { ...persisted, desired: next };
    const foreign = foreignHubIds();
    if (foreign.length > 0 && persisted.hubChangedAtMs === 0) {
      persisted = {
        ...persisted,
        previousHubIds: [...new Set([...persisted.previousHubIds, ...foreign])],
        hubChangedAtMs: now(),
      };
      log.warn(
        { hubId: next.hubId, previous: foreign },
        'objects of another hub identity are kept, not pruned',
      );
    } else if (foreign.length === 0 && persisted.hubChangedAtMs !== 0) {
      persisted = { ...persisted, hubChangedAtMs: 0 };
    }
    // Persist before touching the member: a restart resumes from here and re-enforces it.
    store.writeState(persisted);
    reconciler.setDesired(next, prunableHubIds());
    watchers.ensure(reconciler.watchTargets());
    log.info(
      { kind: update.kind, revision: update.revision, changes: update.changes.length },
      'slice update received',
    );
    await runPass(update.kind === 'SNAPSHOT' ? 'all' : [...new Set(update.changes.map((c) => c.key))]);
    statusReporter.schedule();
  }

  const session = createHubSession(
    {
      hub,
      store,
      log,
      clusterName: config.clusterName,
      labels: config.labels,
      bootstrapToken: () =>
        config.bootstrapToken ??
        (config.bootstrapTokenFile ? readTokenFile(config.bootstrapTokenFile) : undefined),
      facts,
      backoff: deps.backoff ?? DEFAULT_BACKOFF,
      random: deps.random ?? Math.random,
      applyUpdate,
      onRegistered: (info) => {
        heartbeatFromHub = info.heartbeatIntervalMs;
        registered = true;
        statusReporter.reset();
      },
    },
    persisted.desired.hubId,
    persisted.desired.revision,
  );

  // The last known slice is enforced from the start, hub or no hub.
  if (persisted.desired.objects.size > 0 || ledger.entries().size > 0) markDirty('all');
  const resync = setInterval(() => markDirty('all'), config.resyncPeriodMs);

  const sessionDone = session.run(signal);
  const heartbeatsDone = runHeartbeats(
    {
      hub,
      log,
      clusterName: config.clusterName,
      credential: () => (registered ? store.readCredential() : undefined),
      intervalMs: () =>
        config.heartbeatIntervalMs ?? (heartbeatFromHub > 0 ? heartbeatFromHub : DEFAULT_HEARTBEAT_MS),
      health: () => readClusterHealth(kube, Math.min(config.kubeTimeoutMs, 5_000)),
      facts,
      appliedRevision: () => persisted.desired.revision,
      note: hubChangeNote,
      now,
    },
    signal,
  );

  async function rotateCredential(): Promise<void> {
    const current = store.readCredential();
    if (!current) throw new Error('no credential to rotate: the agent has not registered yet');
    const res = await hub.rotateCredential({ clusterName: config.clusterName }, current, signal);
    if (!res.credential) throw new Error('hub returned no credential');
    store.writeCredential(res.credential);
    log.info('cluster credential rotated');
  }
  // Checked hourly rather than one long timer: rotation periods exceed what a timer can wait.
  const rotateEvery = config.rotateCredentialEveryMs;
  let lastRotationMs = now();
  const rotation =
    rotateEvery === undefined
      ? undefined
      : setInterval(
          () => {
            if (!registered || now() - lastRotationMs < rotateEvery) return;
            lastRotationMs = now();
            rotateCredential().catch((err: unknown) => log.warn({ err }, 'credential rotation failed'));
          },
          Math.min(rotateEvery, 3_600_000),
        );

  const health = config.healthAddr
    ? await startHealthServer(config.healthAddr.host, config.healthAddr.port, {
        phase: () => session.state().phase,
        revision: () => persisted.desired.revision,
        owned: () => ledger.entries().size,
        statuses: () => reconciler.statuses(),
      })
    : undefined;
  if (health) log.info({ port: health.port }, 'health endpoint listening');

  return {
    healthPort: health?.port,
    rotateCredential,
    state: () => ({
      phase: session.state().phase,
      failures: session.state().attempt,
      hubId: persisted.desired.hubId,
      revision: persisted.desired.revision,
    }),
    async reconcileNow() {
      await runPass('all');
    },
    async stop() {
      if (signal.aborted) return;
      clearInterval(resync);
      clearInterval(rotation);
      watchers.stop();
      // A last report, but a hub that does not answer must not hold the shutdown.
      await Promise.race([
        statusReporter.flush().catch(() => undefined),
        new Promise((r) => setTimeout(r, 2_000).unref()),
      ]);
      ctl.abort();
      statusReporter.stop();
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await Promise.allSettled([sessionDone, heartbeatsDone, health?.close()]);
      if (!deps.hub) hub.close();
      if (!deps.kube) kube.close();
      log.info('agent stopped');
    },
  };
}
