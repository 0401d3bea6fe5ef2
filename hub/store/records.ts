/** The values the store reads and writes. JSON columns arrive parsed. */
import type { Labels, StoredResource } from '../core/model.ts';
import type { ClusterHealth, ObjectHealth, PerClusterStatus } from '../../shared/vocabulary.ts';

export interface ResourceRecord extends StoredResource {
  /** sha256 of the canonical JSON of body, hex. */
  hash: string;
  createdAt: number;
  updatedAt: number;
}

export interface ClusterFactsRecord {
  kubernetesVersion?: string;
  nodeCount?: number;
  allocatable?: Record<string, string>;
  agentVersion?: string;
}

export interface ClusterRecord {
  name: string;
  /** Effective labels: what the agent reports, with the admin's changes laid over it. */
  labels: Labels;
  agentLabels: Labels;
  /** Admin changes; a null value removes the agent's label of that name. */
  adminLabels: Record<string, string | null>;
  facts: ClusterFactsRecord;
  registeredAt: number;
  lastHeartbeatAt: number | null;
  health: ClusterHealth | null;
  healthMessage: string;
  ready: boolean;
  appliedRevision: number;
  /** When an admin revoked the cluster's access (ms); null while it may connect. */
  revokedAt: number | null;
}

export interface BootstrapTokenRecord {
  id: string;
  hash: string;
  description: string;
  createdAt: number;
  expiresAt: number;
  maxUses: number;
  uses: number;
}

/** What an admin token may do: `read-only` reads, `admin` also writes and mints tokens. */
export const ADMIN_ROLES = ['read-only', 'admin'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

export interface AdminTokenRecord {
  id: string;
  /** sha256 of the token's secret part, hex. */
  hash: string;
  role: AdminRole;
  description: string;
  createdAt: number;
  revokedAt: number | null;
}

export interface SliceRow {
  cluster: string;
  key: string;
  source: string;
  revision: number;
  deleted: boolean;
  /** Canonical JSON of the member object; null on tombstones. */
  manifest: string | null;
  hash: string;
  changedAt: number;
}

/** A slice row without its manifest: enough to diff by hash. */
export type SliceHead = Omit<SliceRow, 'manifest'>;

export interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration: number;
}

export interface ObjectStatusRecord {
  cluster: string;
  key: string;
  source: string;
  status: PerClusterStatus;
  message: string;
  revision: number;
  generation: number;
  observedGeneration: number;
  replicas: number | null;
  readyReplicas: number | null;
  availableReplicas: number | null;
  updatedReplicas: number | null;
  health: ObjectHealth;
  conditions: Condition[];
  driftCorrections: number;
  unschedulableReplicas: number;
  unschedulableSinceMs: number;
  updatedAt: number;
}

export interface ComputeErrorRecord {
  cluster: string;
  source: string;
  status: 'ApplyOverridesFailed';
  message: string;
  createdAt: number;
}

export interface EventRecord {
  id: number;
  at: number;
  type: 'Normal' | 'Warning';
  reason: string;
  object: string;
  message: string;
}
