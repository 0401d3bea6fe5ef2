/**
 * kubefed's ReplicaSchedulingPreference (`scheduling.kubefed.io/v1alpha1`): validation at
 * submission, and the typed reading of a stored one.
 */
import { ValidationError } from '../../shared/errors.ts';
import type { ClusterPreference } from '../scheduling/planner.ts';
import {
  describe,
  expectBoolean,
  expectCount,
  expectKnownKeys,
  expectObject,
  expectString,
  isObject,
} from './fields.ts';

export const RSP_API_VERSION = 'scheduling.kubefed.io/v1alpha1';
export const RSP_KIND = 'ReplicaSchedulingPreference';
/** The kinds a ReplicaSchedulingPreference can drive, as in kubefed. */
export const RSP_TARGET_KINDS: readonly string[] = ['FederatedDeployment', 'FederatedReplicaSet'];

export interface RspSpec {
  targetKind: string;
  totalReplicas: number;
  /** Default false. */
  rebalance: boolean;
  /** Default false: the preference's clusters decide, not the target's placement. */
  intersectWithClusterSelector: boolean;
  /** As written; kubefed reads an empty map as { "*": { weight: 1 } } (see effectivePreferences). */
  clusters: Record<string, ClusterPreference>;
}

// Weights are int64 in kubefed; bounded here so that sums stay exact.
const MAX_WEIGHT = 1_000_000;

/**
 * Checks the spec of a ReplicaSchedulingPreference: targetKind FederatedDeployment or
 * FederatedReplicaSet, totalReplicas a non-negative integer, rebalance and
 * intersectWithClusterSelector booleans, clusters a map from cluster name or "*" to
 * {minReplicas, maxReplicas (or null), weight} of non-negative integers with max >= min.
 * @throws ValidationError naming the field, e.g. `spec.clusters["c1"].maxReplicas`.
 */
export function validateRspSpec(spec: unknown, document?: number): RspSpec {
  const obj = expectObject(spec, 'spec', document);
  expectKnownKeys(
    obj,
    ['targetKind', 'totalReplicas', 'rebalance', 'intersectWithClusterSelector', 'clusters'],
    'spec',
    document,
  );
  const targetKind = expectString(obj.targetKind, 'spec.targetKind', document);
  if (!RSP_TARGET_KINDS.includes(targetKind)) {
    throw new ValidationError(
      'spec.targetKind',
      `must be ${RSP_TARGET_KINDS.join(' or ')}, got ${JSON.stringify(targetKind)}`,
      document,
    );
  }
  if (obj.totalReplicas === undefined)
    throw new ValidationError('spec.totalReplicas', 'is required', document);
  const totalReplicas = expectCount(obj.totalReplicas, 'spec.totalReplicas', document);
  const rebalance =
    obj.rebalance === undefined ? false : expectBoolean(obj.rebalance, 'spec.rebalance', document);
  const intersectWithClusterSelector =
    obj.intersectWithClusterSelector === undefined
      ? false
      : expectBoolean(obj.intersectWithClusterSelector, 'spec.intersectWithClusterSelector', document);
  const clusters: Record<string, ClusterPreference> = {};
  const rawClusters = obj.clusters ?? {};
  if (!isObject(rawClusters)) {
    throw new ValidationError(
      'spec.clusters',
      `must be a map of cluster name to preference, got ${describe(rawClusters)}`,
      document,
    );
  }
  for (const [name, value] of Object.entries(rawClusters)) {
    const field = `spec.clusters[${JSON.stringify(name)}]`;
    if (name === '') throw new ValidationError(field, 'a cluster name must not be empty', document);
    const pref = expectObject(value ?? {}, field, document);
    expectKnownKeys(pref, ['minReplicas', 'maxReplicas', 'weight'], field, document);
    const out: ClusterPreference = {};
    if (pref.minReplicas !== undefined)
      out.minReplicas = expectCount(pref.minReplicas, `${field}.minReplicas`, document);
    if (pref.maxReplicas !== undefined && pref.maxReplicas !== null) {
      out.maxReplicas = expectCount(pref.maxReplicas, `${field}.maxReplicas`, document);
      if (out.maxReplicas < (out.minReplicas ?? 0)) {
        throw new ValidationError(
          `${field}.maxReplicas`,
          `must be at least minReplicas (${out.minReplicas ?? 0}), got ${out.maxReplicas}`,
          document,
        );
      }
    }
    if (pref.weight !== undefined)
      out.weight = expectCount(pref.weight, `${field}.weight`, document, MAX_WEIGHT);
    Object.defineProperty(clusters, name, {
      value: out,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return { targetKind, totalReplicas, rebalance, intersectWithClusterSelector, clusters };
}

/** The preferences the planner uses: kubefed reads an empty clusters map as { "*": { weight: 1 } }. */
export function effectivePreferences(spec: RspSpec): Record<string, ClusterPreference> {
  return Object.keys(spec.clusters).length === 0 ? { '*': { weight: 1 } } : spec.clusters;
}
