import { NotFoundError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/logger.ts';
import type { LabelSelector } from '../core/model.ts';
import type { ClusterRecord } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import { applyDocuments, type ApplyOptions, type ApplyResult } from './apply-documents.ts';
import { createChangeFeed, type ChangeFeed } from './change-feed.ts';
import type { Clock } from './clock.ts';
import {
  authenticateCluster,
  createBootstrapToken,
  labelCluster,
  recordHeartbeat,
  registerCluster,
  requireSameCluster,
  setClusterReady,
  type HeartbeatInput,
  type NewTokenInput,
  type NewTokenOutput,
  type RegisterInput,
  type RegisterOutput,
} from './cluster-writes.ts';
import { matchesLabelSelector, parseLabelSelectorString } from './core-port.ts';
import { deleteResource } from './delete-resource.ts';
import type { SourceRef } from './recompute.ts';
import { toResourceView } from './resource-view.ts';
import { readChanges, readSlice, type SliceRead } from './slice-reader.ts';
import { recordStatusReport, type StatusReportInput, type StatusReportOutcome } from './status-writes.ts';
import { runWrite, type EngineObserver, type SubmissionLimits } from './write-deps.ts';
import type { AdminAuthorizer } from './admin-authorizer.ts';
import {
  authenticateAdmin,
  createAdminToken,
  createTokenAuthorizer,
  revokeAdminToken,
  toAdminTokenView,
  type AdminTokenView,
  type NewAdminTokenInput,
  type NewAdminTokenOutput,
} from './admin-tokens.ts';
import {
  createAccessFeed,
  deleteCluster,
  revokeCluster,
  rotateCredential,
  type AccessDeps,
  type AccessFeed,
} from './cluster-access.ts';
import { looksLikeClusterCredential } from './secrets.ts';
import { DEFAULT_HEALTH_CONFIG, type HealthConfig } from '../failover/cluster-health.ts';
import { approveFailback, type FailbackApproval } from './approve-failback.ts';
import { createHealthMonitor, type HealthMonitor } from './health-monitor.ts';
import type { FailoverSettings } from './rollout-context.ts';
import type { EventRecord } from '../store/records.ts';

export interface EngineOptions {
  limits: SubmissionLimits;
  heartbeatIntervalMs: number;
  bootstrapTokenTtlMs: number;
  bootstrapTokenMaxUses: number;
  tombstoneRetentionMs: number;
  /** Heartbeat grace, failover delay and stabilisation window (default DEFAULT_HEALTH_CONFIG). */
  health?: HealthConfig;
  /** Make-before-break timeout and the unschedulable threshold (default DEFAULT_FAILOVER_SETTINGS). */
  failover?: FailoverSettings;
  /** Metrics hooks (default none). */
  observer?: EngineObserver;
}

export interface ResourceQuery {
  kind?: string;
  namespace?: string;
  labelSelector?: string;
}

/** A cluster as the admin APIs show it (no credential hash). */
export type ClusterView = Omit<ClusterRecord, 'registeredAt' | 'lastHeartbeatAt' | 'revokedAt'> & {
  registeredAt: string;
  lastHeartbeatAt: string | null;
  revokedAt: string | null;
};

/** Everything the transports (REST, gRPC) may do; every write goes through runWrite. */
export interface Engine {
  readonly feed: ChangeFeed;
  hubId(): string;
  apply(text: string, opts?: ApplyOptions): ApplyResult[];
  get(ref: SourceRef): Record<string, unknown>;
  list(query: ResourceQuery): Array<Record<string, unknown>>;
  delete(ref: SourceRef): void;
  listClusters(labelSelector?: string): ClusterView[];
  getCluster(name: string): ClusterView;
  labelCluster(name: string, patch: unknown, overwrite: boolean): ClusterView;
  /** For the health state machine: readiness drives replica planning; a change recomputes all slices. */
  setClusterReady(name: string, ready: boolean): boolean;
  /** The cluster health state machine, fed by heartbeats and ticked by the hub. */
  readonly health: HealthMonitor;
  /** The newest revision in a cluster's slice (0 when empty). */
  latestRevision(cluster: string): number;
  /** Recent events, oldest first; `object` narrows to one (e.g. "Cluster/c1", "FederatedDeployment/ns/web"). */
  events(object?: string, limit?: number): EventRecord[];
  /** Lets a Manual-policy workload plan over clusters that failed over again (fedctl failback). */
  approveFailback(ref: { namespace: string; name: string }): FailbackApproval;
  createBootstrapToken(input: NewTokenInput): NewTokenOutput;
  authenticateCluster(credential: string | undefined): ClusterRecord;
  requireSameCluster(cluster: ClusterRecord, named: string): void;
  register(input: RegisterInput): RegisterOutput;
  heartbeat(cluster: ClusterRecord, hb: HeartbeatInput): number;
  reportStatus(cluster: ClusterRecord, report: StatusReportInput): StatusReportOutcome;
  readSlice(cluster: string, sinceRevision: number, hubId: string): SliceRead;
  readChanges(cluster: string, sinceRevision: number): ReturnType<typeof readChanges>;
  /** Prunes tombstones and events older than the retention; returns tombstones pruned and the compacted revision. */
  compact(): { pruned: number; compactedRevision: number };
  heartbeatIntervalMs(): number;
  /** Fired after a commit that changed who may act for a cluster (rotation, revocation, deletion). */
  readonly access: AccessFeed;
  /** Revokes a cluster's access; its streams end. Idempotent. */
  revokeCluster(name: string): ClusterView;
  /** Deletes a cluster with its slice and statuses; its streams end. */
  deleteCluster(name: string): void;
  /** A new credential for the caller's cluster; the presented one is refused from then on. */
  rotateCredential(cluster: ClusterRecord, presented: string): { credential: string };
  createAdminToken(input: NewAdminTokenInput): NewAdminTokenOutput;
  listAdminTokens(): AdminTokenView[];
  revokeAdminToken(id: string): AdminTokenView;
  /** The admin-token authorizer both transports run before every admin call. */
  authorizeAdmin: AdminAuthorizer;
  /**
   * Creates the first `admin` token when the hub has none; returns it (to show once), else
   * undefined.
   */
  ensureInitialAdminToken(): NewAdminTokenOutput | undefined;
  /**
   * Who a bearer value belongs to, for per-client limits: `cluster:<name>` or `admin:<id>` when
   * it is valid, else undefined.
   */
  identify(token: string | undefined): string | undefined;
}

/** `lastHeartbeatMs`: the health monitor's in-memory time, newer than the row's (heartbeats that change nothing are not written). */
export function toClusterView(c: ClusterRecord, lastHeartbeatMs?: number | null): ClusterView {
  const last = Math.max(c.lastHeartbeatAt ?? -Infinity, lastHeartbeatMs ?? -Infinity);
  return {
    ...c,
    registeredAt: new Date(c.registeredAt).toISOString(),
    lastHeartbeatAt: Number.isFinite(last) ? new Date(last).toISOString() : null,
    revokedAt: c.revokedAt === null ? null : new Date(c.revokedAt).toISOString(),
  };
}

function selectorOf(text: string | undefined): LabelSelector | undefined {
  return text ? parseLabelSelectorString(text) : undefined;
}

export function createEngine(
  base: { store: Store; clock: Clock; log: Logger },
  options: EngineOptions,
): Engine {
  const feed = createChangeFeed();
  const access = createAccessFeed();
  const deps: AccessDeps = { ...base, ...options, feed, access };
  const { store } = base;
  const health = createHealthMonitor(deps, options.health ?? DEFAULT_HEALTH_CONFIG);
  const observer = options.observer;
  if (observer) store.events.onRecord((e) => observer.event(e));
  return {
    feed,
    hubId: () => store.meta.hubId(),
    apply: (text, opts) => applyDocuments(deps, text, opts),
    get: (ref) => {
      const r = store.resources.get(ref.kind, ref.namespace, ref.name);
      if (!r) throw new NotFoundError(`${ref.kind}/${ref.namespace}/${ref.name}`);
      return toResourceView(store, r);
    },
    list: (q) => {
      const selector = selectorOf(q.labelSelector);
      return store.resources
        .list({ kind: q.kind || undefined, namespace: q.namespace || undefined })
        .filter((r) => !selector || matchesLabelSelector(r.labels, selector))
        .map((r) => toResourceView(store, r));
    },
    delete: (ref) => deleteResource(deps, ref),
    listClusters: (labelSelector) => {
      const selector = selectorOf(labelSelector);
      return store.clusters
        .list()
        .filter((c) => !selector || matchesLabelSelector(c.labels, selector))
        .map((c) => toClusterView(c, health.health(c.name)?.lastHeartbeatMs));
    },
    getCluster: (name) => {
      const c = store.clusters.get(name);
      if (!c) throw new NotFoundError(`cluster ${name}`);
      return toClusterView(c, health.health(c.name)?.lastHeartbeatMs);
    },
    labelCluster: (name, patch, overwrite) => toClusterView(labelCluster(deps, name, patch, overwrite)),
    setClusterReady: (name, ready) => setClusterReady(deps, name, ready),
    health,
    events: (object, limit) => store.events.list(object, limit),
    latestRevision: (cluster) => store.slices.latestRevision(cluster),
    approveFailback: (ref) => approveFailback(deps, ref),
    createBootstrapToken: (input) => createBootstrapToken(deps, input),
    authenticateCluster: (credential) => authenticateCluster(deps, credential),
    requireSameCluster,
    register: (input) => {
      const out = registerCluster(deps, input);
      // Registering is a sign of life: the health monitor starts (or refreshes) the cluster's grace period.
      health.onHeartbeat(out.clusterName, 'Healthy', 'registered');
      return out;
    },
    heartbeat: (cluster, hb) => {
      const at = recordHeartbeat(deps, cluster, hb);
      health.onHeartbeat(cluster.name, hb.health === 'Unhealthy' ? 'Unhealthy' : 'Healthy', hb.message);
      return at;
    },
    reportStatus: (cluster, report) => recordStatusReport(deps, cluster, report),
    readSlice: (cluster, since, hubId) => readSlice(store, cluster, since, hubId),
    readChanges: (cluster, since) => readChanges(store, cluster, since),
    compact: () =>
      runWrite(deps, (txn) => {
        const horizon = txn.now - options.tombstoneRetentionMs;
        const { pruned, maxRevision } = txn.store.slices.pruneTombstones(horizon);
        txn.store.events.prune(horizon);
        const compacted = txn.store.meta.compactedRevision();
        if (maxRevision > compacted) txn.store.meta.setCompactedRevision(maxRevision);
        return { pruned, compactedRevision: Math.max(compacted, maxRevision) };
      }),
    heartbeatIntervalMs: () => options.heartbeatIntervalMs,
    access,
    revokeCluster: (name) => toClusterView(revokeCluster(deps, name)),
    deleteCluster: (name) => {
      deleteCluster(deps, name);
      health.forget(name);
    },
    rotateCredential: (cluster, presented) => ({ credential: rotateCredential(deps, cluster, presented) }),
    createAdminToken: (input) => createAdminToken(deps, input),
    listAdminTokens: () => store.adminTokens.list().map(toAdminTokenView),
    revokeAdminToken: (id) => revokeAdminToken(deps, id),
    authorizeAdmin: createTokenAuthorizer(store),
    ensureInitialAdminToken: () =>
      store.adminTokens.count() === 0
        ? createAdminToken(deps, { role: 'admin', description: 'initial admin token' })
        : undefined,
    identify: (token) => {
      if (!token) return undefined;
      try {
        return looksLikeClusterCredential(token)
          ? `cluster:${authenticateCluster(deps, token).name}`
          : `admin:${authenticateAdmin(store, token).id}`;
      } catch {
        return undefined;
      }
    },
  };
}
