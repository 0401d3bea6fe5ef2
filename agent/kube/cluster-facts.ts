/**
 * What heartbeats carry about the member: whether its API server is ready, its Kubernetes
 * version, node count and summed allocatable resources.
 */
import type { ClusterHealth } from '../../shared/vocabulary.ts';
import { sumQuantities } from '../core/quantity.ts';
import type { KubeClient } from './kube-client.ts';

export interface ClusterFacts {
  kubernetesVersion: string;
  nodeCount: number;
  allocatable: Record<string, string>;
}

export interface ClusterHealthView {
  health: ClusterHealth;
  message: string;
}

/** Healthy when GET /readyz answers `ok` within `timeoutMs`. */
export async function readClusterHealth(kube: KubeClient, timeoutMs: number): Promise<ClusterHealthView> {
  try {
    const body = await kube.request<string>('GET', '/readyz', { timeoutMs, text: true });
    return body.trim() === 'ok'
      ? { health: 'Healthy', message: '' }
      : { health: 'Unhealthy', message: body.slice(0, 200) };
  } catch (err) {
    return {
      health: 'Unhealthy',
      message: `API server not ready: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}

export async function readClusterFacts(kube: KubeClient, timeoutMs: number): Promise<ClusterFacts> {
  const version = await kube.request<{ gitVersion?: string }>('GET', '/version', { timeoutMs });
  const nodes = await kube.request<{ items?: Array<{ status?: { allocatable?: Record<string, string> } }> }>(
    'GET',
    '/api/v1/nodes',
    { timeoutMs },
  );
  const items = nodes.items ?? [];
  return {
    kubernetesVersion: version.gitVersion ?? '',
    nodeCount: items.length,
    allocatable: sumQuantities(items.map((n) => n.status?.allocatable ?? {})),
  };
}

/** Pods of a workload's label selector in one namespace (for the unschedulable count). */
export async function listPods(
  kube: KubeClient,
  namespace: string,
  matchLabels: Record<string, string>,
  timeoutMs: number,
): Promise<Array<Record<string, unknown>>> {
  const selector = Object.entries(matchLabels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const res = await kube.request<{ items?: Array<Record<string, unknown>> }>(
    'GET',
    `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`,
    { query: { labelSelector: selector }, timeoutMs },
  );
  return res.items ?? [];
}
