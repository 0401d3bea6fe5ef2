/**
 * `get` output: kubectl-like tables for clusters and federated resources, and the -o name form.
 * Pure: values in, text out; `now` comes from the caller.
 */
import { formatAge } from './duration.ts';
import type { KindInfo } from './kinds.ts';
import { formatTable } from './table.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown): Obj => (isObj(v) ? v : {});
/** The string, or `fallback` when absent or empty (proto defaults arrive as ''). */
const str = (v: unknown, fallback = ''): string => (typeof v === 'string' && v !== '' ? v : fallback);

export type OutputFormat = 'table' | 'wide' | 'yaml' | 'json' | 'name';

export function ageOf(timestamp: unknown, now: number): string {
  const at =
    typeof timestamp === 'string' ? Date.parse(timestamp) : typeof timestamp === 'number' ? timestamp : NaN;
  return Number.isNaN(at) ? '<unknown>' : formatAge(now - at);
}

export function formatLabels(labels: unknown): string {
  const entries = Object.entries(obj(labels));
  return entries.length === 0 ? '<none>' : entries.map(([k, v]) => `${k}=${String(v)}`).join(',');
}

/** `kubectl get nodes`-like: NAME READY HEALTH REVISION LAST-HEARTBEAT AGE (+ VERSION NODES AGENT LABELS wide). */
export function formatClusterTable(clusters: readonly unknown[], wide: boolean, now: number): string {
  const headers = ['NAME', 'READY', 'HEALTH', 'REVISION', 'LAST-HEARTBEAT', 'AGE'];
  if (wide) headers.push('VERSION', 'NODES', 'AGENT', 'LABELS');
  const rows = clusters.map((raw) => {
    const c = obj(raw);
    const facts = obj(c['facts']);
    const row = [
      str(c['name']),
      c['ready'] === true ? 'True' : 'False',
      str(c['health'], '<unknown>'),
      String(c['appliedRevision'] ?? 0),
      c['lastHeartbeatAt'] ? ageOf(c['lastHeartbeatAt'], now) : '<never>',
      ageOf(c['registeredAt'], now),
    ];
    if (wide)
      row.push(
        str(facts['kubernetesVersion'], '<unknown>'),
        facts['nodeCount'] === undefined ? '<unknown>' : String(facts['nodeCount']),
        str(facts['agentVersion'], '<unknown>'),
        formatLabels(c['labels']),
      );
    return row;
  });
  return formatTable(headers, rows);
}

function propagationOf(view: Obj): Obj | undefined {
  const conditions = obj(view['status'])['conditions'];
  return Array.isArray(conditions) ? conditions.map(obj).find((c) => c['type'] === 'Propagation') : undefined;
}

/** "2/3": clusters whose line is Ok, over the clusters the resource has a line for. */
export function clustersColumn(view: Obj): string {
  const lines = obj(view['status'])['clusters'];
  if (!Array.isArray(lines)) return '-';
  return `${lines.filter((l) => obj(l)['status'] === 'Ok').length}/${lines.length}`;
}

export function readyColumn(view: Obj): string {
  const s = obj(view['status']);
  return typeof s['replicas'] === 'number' ? `${Number(s['readyReplicas'] ?? 0)}/${s['replicas']}` : '-';
}

/** Rows of federated resources, ReplicaSchedulingPreferences and FederatedTypeConfigs. */
export function formatResourceTable(
  info: KindInfo,
  items: readonly unknown[],
  opts: { wide: boolean; allNamespaces: boolean; now: number },
): string {
  const headers: string[] = opts.allNamespaces && info.scope !== 'Cluster' ? ['NAMESPACE', 'NAME'] : ['NAME'];
  let cells: (v: Obj) => string[];
  if (info.kind === 'ReplicaSchedulingPreference') {
    headers.push('TARGET', 'TOTAL-REPLICAS', 'REBALANCE', 'AGE');
    cells = (v) => {
      const spec = obj(v['spec']);
      return [
        str(spec['targetKind'], '-'),
        String(spec['totalReplicas'] ?? '-'),
        String(spec['rebalance'] ?? false),
      ];
    };
  } else if (info.kind === 'FederatedTypeConfig') {
    headers.push('TARGET', 'FEDERATED-KIND', 'AGE');
    cells = (v) => {
      const spec = obj(v['spec']);
      const t = obj(spec['targetType']);
      return [
        `${str(t['group']) || 'core'}/${str(t['version'])} ${str(t['kind'])}`,
        str(obj(spec['federatedType'])['kind']),
      ];
    };
  } else {
    headers.push('CLUSTERS', 'READY', 'PROPAGATION', 'AGE');
    if (opts.wide) headers.push('GENERATION', 'LABELS', 'MESSAGE');
    cells = (v) => [clustersColumn(v), readyColumn(v), str(propagationOf(v)?.['reason'], '-')];
  }
  const rows = items.map((raw) => {
    const v = obj(raw);
    const meta = obj(v['metadata']);
    const row =
      headers[0] === 'NAMESPACE' ? [str(meta['namespace'], '-'), str(meta['name'])] : [str(meta['name'])];
    row.push(...cells(v), ageOf(meta['creationTimestamp'], opts.now));
    if (opts.wide && headers.includes('GENERATION'))
      row.push(
        String(meta['generation'] ?? '-'),
        formatLabels(meta['labels']),
        str(propagationOf(v)?.['message']),
      );
    return row;
  });
  return formatTable(headers, rows);
}

/** `federateddeployment/web`, one per line. */
export function formatNames(info: Pick<KindInfo, 'kind'>, items: readonly unknown[]): string {
  return items
    .map((i) => `${info.kind.toLowerCase()}/${str(obj(obj(i)['metadata'])['name'] ?? obj(i)['name'])}\n`)
    .join('');
}
