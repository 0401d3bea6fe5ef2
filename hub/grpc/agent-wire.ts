/** The AgentService messages as @grpc/proto-loader hands them over (camelCase, longs as numbers). */
import type { ObjectStatusInput } from '../engine/status-writes.ts';

export interface ClusterFactsMsg {
  kubernetesVersion: string;
  nodeCount: number;
  allocatable: Record<string, string>;
  agentVersion: string;
}

export interface RegisterRequestMsg {
  clusterName: string;
  labels: Record<string, string>;
  facts: ClusterFactsMsg | null;
  bootstrapToken: string;
}

export interface SyncRequestMsg {
  clusterName: string;
  sinceRevision: number;
  hubId: string;
}

export interface SliceObjectMsg {
  key: string;
  revision: number;
  deleted: boolean;
  manifest: Buffer;
  hash: string;
  source: string;
}

export interface SyncMessageMsg {
  hubId: string;
  kind: 'SNAPSHOT' | 'DELTA';
  fromRevision: number;
  revision: number;
  objects: SliceObjectMsg[];
  complete: boolean;
}

/** The wire shape of one object's status is the engine's input shape (camelCased by proto-loader). */
export type ObjectStatusMsg = ObjectStatusInput;

export interface StatusReportMsg {
  clusterName: string;
  appliedRevision: number;
  objects: ObjectStatusMsg[];
  removed: string[];
}

export interface HeartbeatRequestMsg {
  clusterName: string;
  health: string;
  message: string;
  facts: ClusterFactsMsg | null;
  appliedRevision: number;
  sentAtMs: number;
}

/** Facts as stored: only what the agent said. */
export function toFactsRecord(f: ClusterFactsMsg | null): Record<string, unknown> & {
  kubernetesVersion?: string;
  nodeCount?: number;
  allocatable?: Record<string, string>;
  agentVersion?: string;
} {
  if (!f) return {};
  return {
    kubernetesVersion: f.kubernetesVersion,
    nodeCount: f.nodeCount,
    allocatable: { ...f.allocatable },
    agentVersion: f.agentVersion,
  };
}
