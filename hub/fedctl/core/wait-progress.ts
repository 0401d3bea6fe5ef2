/**
 * `apply --wait`: from the hub's views of the applied resources, where each placed cluster stands
 * (Waiting, Ready, Failed), what changed since the last poll, and the closing summary. Pure: the
 * command polls and prints.
 */
import { formatTable } from './table.ts';

export type ClusterProgress = 'Waiting' | 'Ready' | 'Failed';
export type WaitPhase = 'Waiting' | 'Ready' | 'Failed';

/** One cluster of one resource. */
export interface WaitRow {
  /** e.g. federateddeployment/web */
  resource: string;
  /** '' when the resource is placed nowhere. */
  cluster: string;
  /** The hub's per-cluster status (Ok, Pending, …), or NoClusters. */
  status: string;
  /** readyReplicas/replicas summed over the cluster's workload objects, '' for others. */
  ready: string;
  /** The worst object health the agent reported, '' when none. */
  health: string;
  message: string;
  progress: ClusterProgress;
}

export interface WaitSnapshot {
  rows: WaitRow[];
  /** Ready when every row is Ready; Failed when nothing waits and some row failed; else Waiting. */
  phase: WaitPhase;
}

/** What the hub's resource view carries under status.objects (one member object each). */
interface ObjectLine {
  cluster: string;
  status: string;
  message?: string;
  replicas?: number;
  readyReplicas?: number;
  health?: string;
}

/** Statuses on the way (not failures): the agent has not reported, or the cluster is away. */
const IN_PROGRESS = new Set(['Pending', 'WaitingForRemoval', 'ClusterNotReady']);
const RANK: Record<ClusterProgress, number> = { Ready: 0, Waiting: 1, Failed: 2 };

/** Where one member object stands: applied and healthy, on the way, or failed. */
export function objectProgress(o: ObjectLine): ClusterProgress {
  if (o.status === 'Ok') {
    if (o.health === 'Degraded') return 'Failed';
    if (o.health === 'Progressing') return 'Waiting';
    if (o.replicas !== undefined && (o.readyReplicas ?? 0) < o.replicas) return 'Waiting';
    return 'Ready';
  }
  return IN_PROGRESS.has(o.status) ? 'Waiting' : 'Failed';
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function objectsOf(view: unknown): ObjectLine[] {
  const status = isObj(view) ? view['status'] : undefined;
  const objects = isObj(status) && Array.isArray(status['objects']) ? status['objects'] : [];
  return objects.filter(
    (o): o is ObjectLine => isObj(o) && typeof o['cluster'] === 'string' && typeof o['status'] === 'string',
  );
}

/** The per-cluster rows of one resource view. */
export function computeResourceRows(resource: string, view: unknown): WaitRow[] {
  const byCluster = new Map<string, ObjectLine[]>();
  for (const o of objectsOf(view)) byCluster.set(o.cluster, [...(byCluster.get(o.cluster) ?? []), o]);
  if (byCluster.size === 0) {
    return [
      {
        resource,
        cluster: '',
        status: 'NoClusters',
        ready: '',
        health: '',
        message: 'no clusters selected',
        progress: 'Ready',
      },
    ];
  }
  const rows: WaitRow[] = [];
  for (const [cluster, objects] of [...byCluster].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    let worst: ObjectLine = objects[0]!;
    let progress = objectProgress(worst);
    for (const o of objects) {
      const p = objectProgress(o);
      if (RANK[p] > RANK[progress]) [worst, progress] = [o, p];
    }
    const workloads = objects.filter((o) => o.replicas !== undefined);
    const ready =
      workloads.length === 0
        ? ''
        : `${workloads.reduce((n, o) => n + (o.readyReplicas ?? 0), 0)}/${workloads.reduce((n, o) => n + (o.replicas ?? 0), 0)}`;
    const healths = objects.map((o) => o.health).filter((h): h is string => typeof h === 'string');
    const health = ['Degraded', 'Progressing', 'Unknown', 'Healthy'].find((h) => healths.includes(h)) ?? '';
    rows.push({
      resource,
      cluster,
      status: worst.status,
      ready,
      health,
      message: worst.message ?? '',
      progress,
    });
  }
  return rows;
}

/** Every resource's rows and the overall phase. */
export function computeWaitSnapshot(items: ReadonlyArray<{ resource: string; view: unknown }>): WaitSnapshot {
  const rows = items.flatMap((i) => computeResourceRows(i.resource, i.view));
  const phase: WaitPhase = rows.some((r) => r.progress === 'Waiting')
    ? 'Waiting'
    : rows.some((r) => r.progress === 'Failed')
      ? 'Failed'
      : 'Ready';
  return { rows, phase };
}

const rowKey = (r: WaitRow) => `${r.resource}\u0000${r.cluster}`;
const rowText = (r: WaitRow) =>
  [r.status, r.ready && `ready ${r.ready}`, r.health, r.message].filter((s) => s !== '').join('  ');

/** One line per cluster whose state changed since `prev` (every row when prev is undefined). */
export function describeProgressChanges(prev: WaitSnapshot | undefined, next: WaitSnapshot): string[] {
  const before = new Map((prev?.rows ?? []).map((r) => [rowKey(r), rowText(r)]));
  return next.rows
    .filter((r) => before.get(rowKey(r)) !== rowText(r))
    .map((r) => `${r.resource}  ${r.cluster === '' ? '(no clusters)' : r.cluster}  ${rowText(r)}`);
}

export interface WaitOutcome {
  /** The summary table and its closing line. */
  text: string;
  /** 0 when every cluster is ready, 1 otherwise. */
  exitCode: number;
}

/** The closing table and verdict: ready, failed, or timed out (naming what was still waiting). */
export function formatWaitSummary(snapshot: WaitSnapshot, elapsedMs: number, timedOut: boolean): WaitOutcome {
  const table = formatTable(
    ['RESOURCE', 'CLUSTER', 'STATUS', 'READY', 'HEALTH', 'MESSAGE'],
    snapshot.rows.map((r) => [
      r.resource,
      r.cluster || '-',
      r.status,
      r.ready || '-',
      r.health || '-',
      r.message,
    ]),
  );
  const seconds = `${Math.round(elapsedMs / 100) / 10}s`;
  const resources = new Set(snapshot.rows.map((r) => r.resource)).size;
  const clusters = new Set(snapshot.rows.filter((r) => r.cluster !== '').map((r) => r.cluster)).size;
  if (snapshot.phase === 'Ready' && !timedOut) {
    return {
      text: `${table}${resources} resource(s) ready in ${clusters} cluster(s) after ${seconds}\n`,
      exitCode: 0,
    };
  }
  const name = (r: WaitRow) => `${r.resource} in ${r.cluster || '(no clusters)'} (${r.status})`;
  const failed = snapshot.rows.filter((r) => r.progress === 'Failed').map(name);
  const waiting = snapshot.rows.filter((r) => r.progress === 'Waiting').map(name);
  const parts = [
    ...(failed.length > 0 ? [`failed: ${failed.join(', ')}`] : []),
    ...(waiting.length > 0 ? [`still waiting: ${waiting.join(', ')}`] : []),
  ];
  const verdict = timedOut ? `error: timed out after ${seconds}` : `error: not ready after ${seconds}`;
  return { text: `${table}${verdict}: ${parts.join('; ')}\n`, exitCode: 1 };
}
