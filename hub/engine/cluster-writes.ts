import {
  AlreadyExistsError,
  NotFoundError,
  PermissionDeniedError,
  UnauthenticatedError,
  ValidationError,
} from '../../shared/errors.ts';
import type { Labels } from '../core/model.ts';
import { effectiveLabels } from '../store/clusters-repo.ts';
import type { ClusterFactsRecord, ClusterRecord } from '../store/records.ts';
import { recomputeForCluster } from './recompute.ts';
import { newBootstrapToken, newCredential, parseBootstrapToken, sameDigest, sha256Hex } from './secrets.ts';
import { checkClusterName, checkLabelPatch, checkLabels, toClusterHealth } from './validate-cluster-input.ts';
import { runWrite, type WriteDeps } from './write-deps.ts';

export interface RegisterInput {
  clusterName: string;
  labels: Labels;
  facts: ClusterFactsRecord;
  bootstrapToken: string;
  /** The credential from `authorization: Bearer`, when the agent already has one. */
  credential: string | undefined;
}

export interface RegisterOutput {
  clusterName: string;
  /** New credential; '' when re-registering with a valid one. */
  credential: string;
  hubId: string;
  heartbeatIntervalMs: number;
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The cluster owning `credential`; UnauthenticatedError when there is none. */
export function authenticateCluster(deps: WriteDeps, credential: string | undefined): ClusterRecord {
  if (!credential) throw new UnauthenticatedError('missing authorization: Bearer <credential>');
  const cluster = deps.store.clusters.findByCredentialHash(sha256Hex(credential));
  if (!cluster) throw new UnauthenticatedError('unknown credential');
  if (cluster.revokedAt !== null) throw new UnauthenticatedError(`cluster ${cluster.name} is revoked`);
  return cluster;
}

/** A cluster may only speak for itself. */
export function requireSameCluster(cluster: ClusterRecord, named: string): void {
  if (named !== cluster.name) {
    throw new PermissionDeniedError(
      `credential of cluster ${cluster.name} cannot act for cluster ${JSON.stringify(named)}`,
    );
  }
}

export function registerCluster(deps: WriteDeps, input: RegisterInput): RegisterOutput {
  checkClusterName(input.clusterName);
  checkLabels(input.labels, 'labels');
  const out = (credential: string): RegisterOutput => ({
    clusterName: input.clusterName,
    credential,
    hubId: deps.store.meta.hubId(),
    heartbeatIntervalMs: deps.heartbeatIntervalMs,
  });
  const known = input.credential
    ? deps.store.clusters.findByCredentialHash(sha256Hex(input.credential))
    : undefined;
  if (known) {
    if (known.revokedAt !== null) throw new UnauthenticatedError(`cluster ${known.name} is revoked`);
    requireSameCluster(known, input.clusterName);
    if (!sameJson(known.agentLabels, input.labels) || !sameJson(known.facts, input.facts)) {
      runWrite(deps, (txn) => {
        txn.store.clusters.updateRegistration(known.name, input.labels, input.facts);
        if (!sameJson(known.labels, effectiveLabels(input.labels, known.adminLabels)))
          recomputeForCluster(deps, txn, known.name, 'labels');
      });
    }
    return out('');
  }
  if (!input.bootstrapToken) {
    throw new UnauthenticatedError(
      input.credential ? 'unknown credential' : 'bootstrap token or credential required',
    );
  }
  const parsed = parseBootstrapToken(input.bootstrapToken);
  const credential = newCredential();
  runWrite(deps, (txn) => {
    const token = parsed && txn.store.tokens.get(parsed.id);
    if (!parsed || !token || !sameDigest(token.hash, sha256Hex(parsed.secret))) {
      throw new UnauthenticatedError('invalid bootstrap token');
    }
    if (token.expiresAt <= txn.now) throw new UnauthenticatedError('bootstrap token expired');
    const existing = txn.store.clusters.get(input.clusterName);
    if (existing && existing.revokedAt !== null) {
      throw new PermissionDeniedError(
        `cluster ${input.clusterName} is revoked; an admin must delete it before it can register again`,
      );
    }
    if (existing) {
      throw new AlreadyExistsError(`cluster ${input.clusterName} is registered with another credential`);
    }
    if (!txn.store.tokens.consume(token.id))
      throw new UnauthenticatedError('bootstrap token has no uses left');
    txn.store.clusters.insert({
      name: input.clusterName,
      agentLabels: input.labels,
      facts: input.facts,
      credentialHash: sha256Hex(credential),
      registeredAt: txn.now,
    });
    txn.store.events.record({
      at: txn.now,
      type: 'Normal',
      reason: 'ClusterRegistered',
      object: `Cluster/${input.clusterName}`,
      message: `registered with bootstrap token ${token.id}`,
    });
    recomputeForCluster(deps, txn, input.clusterName, 'labels');
  });
  deps.log.info({ cluster: input.clusterName }, 'cluster registered');
  return out(credential);
}

export interface HeartbeatInput {
  health: string;
  message: string;
  facts: ClusterFactsRecord;
  appliedRevision: number;
}

/**
 * Records liveness. Readiness for planning is not decided here: the health monitor turns
 * heartbeats into the Ready condition and availability (with grace, delay and hysteresis).
 */
export function recordHeartbeat(deps: WriteDeps, cluster: ClusterRecord, hb: HeartbeatInput): number {
  const health = toClusterHealth(hb.health);
  // Steady state makes no writes: a heartbeat that says nothing new is kept in memory only (the
  // health monitor holds the time); the row changes with health, message, facts or revision.
  if (
    cluster.lastHeartbeatAt !== null &&
    cluster.health === health &&
    cluster.healthMessage === hb.message &&
    cluster.appliedRevision === hb.appliedRevision &&
    sameJson(cluster.facts, hb.facts)
  ) {
    return deps.clock.now();
  }
  return runWrite(deps, (txn) => {
    txn.store.clusters.recordHeartbeat(cluster.name, { ...hb, health, ready: cluster.ready, at: txn.now });
    return txn.now;
  });
}

/**
 * Sets whether a cluster takes part in replica planning (the health state machine's verdict);
 * a change recomputes every slice in the same transaction. Returns whether anything changed.
 */
export function setClusterReady(deps: WriteDeps, name: string, ready: boolean): boolean {
  return runWrite(deps, (txn) => {
    const c = txn.store.clusters.get(name);
    if (!c) throw new NotFoundError(`cluster ${name}`);
    if (c.ready === ready) return false;
    txn.store.clusters.setReady(name, ready);
    recomputeForCluster(deps, txn, name, 'readiness');
    return true;
  });
}

/** Merges label changes (null removes). Without overwrite, changing an existing value is refused. */
export function labelCluster(
  deps: WriteDeps,
  name: string,
  patch: unknown,
  overwrite: boolean,
): ClusterRecord {
  const changes = checkLabelPatch(patch);
  return runWrite(deps, (txn) => {
    const c = txn.store.clusters.get(name);
    if (!c) throw new NotFoundError(`cluster ${name}`);
    for (const [k, v] of Object.entries(changes)) {
      if (!overwrite && v !== null && c.labels[k] !== undefined && c.labels[k] !== v) {
        throw new AlreadyExistsError(
          `cluster ${name} already has label ${k}=${c.labels[k]}; set overwrite to change it`,
        );
      }
    }
    const adminLabels = { ...c.adminLabels, ...changes };
    if (
      sameJson(effectiveLabels(c.agentLabels, adminLabels), c.labels) &&
      sameJson(adminLabels, c.adminLabels)
    )
      return c;
    txn.store.clusters.setAdminLabels(name, adminLabels);
    recomputeForCluster(deps, txn, name, 'labels');
    return txn.store.clusters.get(name)!;
  });
}

export interface NewTokenInput {
  ttlMs?: number;
  maxUses?: number;
  description?: string;
}

export interface NewTokenOutput {
  token: string;
  id: string;
  expiresAt: string;
  maxUses: number;
}

/** A bootstrap token lives at most a year: it is meant for one registration soon. */
const MAX_TOKEN_TTL_MS = 365 * 86_400_000;

export function createBootstrapToken(deps: WriteDeps, input: NewTokenInput): NewTokenOutput {
  const ttlMs = input.ttlMs || deps.bootstrapTokenTtlMs;
  const maxUses = input.maxUses || deps.bootstrapTokenMaxUses;
  const description = input.description ?? '';
  if (typeof description !== 'string' || description.length > 256)
    throw new ValidationError('description', 'must be a string of at most 256 characters');
  if (ttlMs > MAX_TOKEN_TTL_MS)
    throw new ValidationError('ttlMs', `must be at most ${MAX_TOKEN_TTL_MS} (1 year)`);
  if (!Number.isSafeInteger(ttlMs) || ttlMs < 0)
    throw new ValidationError('ttlMs', 'must be a non-negative integer');
  if (!Number.isSafeInteger(maxUses) || maxUses < 0)
    throw new ValidationError('maxUses', 'must be a non-negative integer');
  const { id, token, hash } = newBootstrapToken();
  const expiresAt = runWrite(deps, (txn) => {
    const t = {
      id,
      hash,
      description,
      createdAt: txn.now,
      expiresAt: txn.now + ttlMs,
      maxUses,
    };
    txn.store.tokens.insert(t);
    return t.expiresAt;
  });
  deps.log.info({ tokenId: id, maxUses, expiresAt }, 'bootstrap token created');
  return { token, id, expiresAt: new Date(expiresAt).toISOString(), maxUses };
}
