/**
 * The values the hub's pure core works on. Nothing here does I/O: the store loads these
 * values, the core derives member objects from them, and the store writes the result.
 */
import type { PerClusterStatus } from '../../shared/vocabulary.ts';

export type Labels = Record<string, string>;

/** A label selector as in Kubernetes (metav1.LabelSelector). */
export interface LabelSelector {
  matchLabels?: Labels;
  matchExpressions?: Array<{
    key: string;
    operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
    values?: string[];
  }>;
}

/** kubefed placement: `clusters` present (even []) wins over `clusterSelector`. */
export interface Placement {
  clusters?: Array<{ name: string }>;
  clusterSelector?: LabelSelector;
}

export type OverrideOp = 'add' | 'remove' | 'replace';
export interface ClusterOverride {
  op?: OverrideOp;
  path: string;
  value?: unknown;
}
export interface Override {
  clusterName: string;
  clusterOverrides: ClusterOverride[];
}

/** A member cluster as the core sees it. */
export interface ClusterInfo {
  name: string;
  labels: Labels;
  /** Ready per the health state machine; placement ignores it, replica planning uses it. */
  ready: boolean;
}

/** Maps a federated kind to the kind it creates in members. */
export interface TypeRegistration {
  /** e.g. "FederatedDeployment" */
  federatedKind: string;
  /** Target group ('' for core), version and kind, e.g. apps / v1 / Deployment. */
  target: { group: string; version: string; kind: string };
  /** Whether the target kind is namespaced (FederatedNamespace itself lives in a namespace; its target does not). */
  namespaced: boolean;
  /** Lower-case plural resource name of the target, e.g. "deployments", when known. */
  pluralName?: string;
  /** Where the target keeps its replica count, for kinds a ReplicaSchedulingPreference can drive. */
  replicasPath?: string;
}

/** Kinds that are not federated resources but configure the hub. */
export type ConfigKind = 'ReplicaSchedulingPreference' | 'FederatedTypeConfig';

/**
 * One validated document as stored by the hub: a federated resource, a
 * ReplicaSchedulingPreference or a FederatedTypeConfig. `body` is the whole document,
 * normalised (no status, server-set metadata removed).
 */
export interface StoredResource {
  apiVersion: string;
  kind: string;
  namespace: string; // '' when cluster-scoped
  name: string;
  generation: number;
  labels: Labels;
  body: Record<string, unknown>;
}

/** The object the hub wants in one member cluster. */
export interface DesiredObject {
  cluster: string;
  /** shared/object-key.ts toObjectKey of the member object. */
  key: string;
  /** shared/object-key.ts toSourceKey of the federated resource. */
  source: string;
  manifest: Record<string, unknown>;
}

/** A per-cluster failure found while computing, before anything reaches the member. */
export interface ClusterComputeError {
  cluster: string;
  source: string;
  status: Extract<PerClusterStatus, 'ApplyOverridesFailed'>;
  message: string;
}

export interface ComputeResult {
  objects: DesiredObject[];
  errors: ClusterComputeError[];
  /**
   * The clusters the resource is placed in (each has an object or an error), sorted. Without a
   * ReplicaSchedulingPreference this is computePlacement's result; with one it is the clusters the
   * preference places it in (those planned, 0 replicas included, plus the held ones), as kubefed's
   * scheduler rewrites placement.
   */
  placed: string[];
  /** Replica plan when a ReplicaSchedulingPreference drives the resource (over its ready clusters). */
  plan?: { plan: Record<string, number>; overflow: Record<string, number> };
  /**
   * With a ReplicaSchedulingPreference: placed clusters that are not ready and keep their last
   * replica count instead of being planned, sorted. Absent otherwise.
   */
  held?: string[];
}
