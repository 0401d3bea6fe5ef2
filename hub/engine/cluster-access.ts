/**
 * A cluster's access: rotating its credential, revoking it, deleting the cluster. Each change
 * commits first, then tells the access feed, so open Sync streams re-check their credential
 * and end at once when it no longer holds.
 */
import { EventEmitter } from 'node:events';
import { NotFoundError, UnauthenticatedError } from '../../shared/errors.ts';
import type { ClusterRecord } from '../store/records.ts';
import { recomputeForCluster } from './recompute.ts';
import { newCredential, sha256Hex } from './secrets.ts';
import { runWrite, type WriteDeps } from './write-deps.ts';

/** Fired after a commit that changed who may act for a cluster. */
export interface AccessFeed {
  notify(cluster: string): void;
  /** Returns an unsubscribe function. */
  subscribe(cluster: string, listener: () => void): () => void;
}

export function createAccessFeed(): AccessFeed {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    notify: (cluster) => void emitter.emit(cluster),
    subscribe: (cluster, listener) => {
      emitter.on(cluster, listener);
      return () => emitter.off(cluster, listener);
    },
  };
}

export type AccessDeps = WriteDeps & { access: AccessFeed };

/**
 * Swaps the credential the caller authenticated with for a new one, atomically: the old one is
 * refused from the commit on. Returns the new credential (shown once).
 */
export function rotateCredential(deps: AccessDeps, cluster: ClusterRecord, presented: string): string {
  const credential = newCredential();
  runWrite(deps, (txn) => {
    if (
      !txn.store.clusters.replaceCredentialHash(cluster.name, sha256Hex(presented), sha256Hex(credential))
    ) {
      throw new UnauthenticatedError('credential no longer valid');
    }
    txn.store.events.record({
      at: txn.now,
      type: 'Normal',
      reason: 'CredentialRotated',
      object: `Cluster/${cluster.name}`,
      message: 'the agent rotated its credential',
    });
  });
  deps.access.notify(cluster.name);
  deps.log.info({ cluster: cluster.name }, 'cluster credential rotated');
  return credential;
}

/**
 * Revokes a cluster: its credential is refused from the commit on, its streams end, it leaves
 * replica planning; the name stays taken until the cluster is deleted. Idempotent.
 */
export function revokeCluster(deps: AccessDeps, name: string): ClusterRecord {
  const changed = runWrite(deps, (txn) => {
    const c = txn.store.clusters.get(name);
    if (!c) throw new NotFoundError(`cluster ${name}`);
    if (!txn.store.clusters.revoke(name, txn.now)) return false;
    txn.store.events.record({
      at: txn.now,
      type: 'Warning',
      reason: 'ClusterRevoked',
      object: `Cluster/${name}`,
      message: 'an admin revoked the cluster',
    });
    if (c.ready) recomputeForCluster(deps, txn, name, 'readiness');
    return true;
  });
  if (changed) {
    deps.access.notify(name);
    deps.log.warn({ cluster: name }, 'cluster revoked');
  }
  return deps.store.clusters.get(name)!;
}

/**
 * Deletes a cluster: its row, slice and statuses go, replica plans that counted it are redone,
 * its streams end. The name may register again with a new bootstrap token.
 */
export function deleteCluster(deps: AccessDeps, name: string): void {
  runWrite(deps, (txn) => {
    if (!txn.store.clusters.delete(name)) throw new NotFoundError(`cluster ${name}`);
    txn.store.slices.deleteCluster(name);
    txn.store.status.deleteCluster(name);
    txn.store.events.record({
      at: txn.now,
      type: 'Warning',
      reason: 'ClusterDeleted',
      object: `Cluster/${name}`,
      message: 'an admin deleted the cluster',
    });
    recomputeForCluster(deps, txn, name, 'readiness');
  });
  deps.access.notify(name);
  deps.log.warn({ cluster: name }, 'cluster deleted');
}
