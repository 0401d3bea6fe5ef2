import { ValidationError } from '../../shared/errors.ts';
import { OBJECT_HEALTHS, isPerClusterStatus, type ObjectHealth } from '../../shared/vocabulary.ts';
import type { ClusterRecord, Condition, ObjectStatusRecord } from '../store/records.ts';
import { runWrite, type WriteDeps } from './write-deps.ts';

/** One object's status as an agent reports it (the wire shape, camelCased). */
export interface ObjectStatusInput {
  key: string;
  status: string;
  message: string;
  revision: number;
  generation: number;
  observedGeneration: number;
  replicas?: number | null;
  readyReplicas?: number | null;
  availableReplicas?: number | null;
  updatedReplicas?: number | null;
  health: string;
  conditions: Condition[];
  driftCorrections: number;
  unschedulableReplicas: number;
  unschedulableSinceMs: number;
}

export interface StatusReportInput {
  appliedRevision: number;
  objects: ObjectStatusInput[];
  removed: string[];
}

export interface StatusReportOutcome {
  appliedRevision: number;
  /** Keys that are not in this cluster's slice, so not this cluster's to report. */
  ignored: string[];
  written: number;
}

function toHealth(value: string, field: string): ObjectHealth {
  if (value === '') return 'Unknown';
  if (!(OBJECT_HEALTHS as readonly string[]).includes(value)) {
    throw new ValidationError(
      field,
      `must be one of ${OBJECT_HEALTHS.join(', ')}, got ${JSON.stringify(value)}`,
    );
  }
  return value as ObjectHealth;
}

const orNull = (v: number | null | undefined): number | null => (v === undefined ? null : v);

/**
 * Stores an agent's report. Only keys present in the cluster's own slice are taken (others are
 * ignored and returned); an unchanged status is not rewritten, so steady state makes no writes.
 */
const FAILURES: ReadonlySet<string> = new Set([
  'CreationFailed',
  'UpdateFailed',
  'DeletionFailed',
  'AlreadyExists',
  'Denied',
]);

export function recordStatusReport(
  deps: WriteDeps,
  cluster: ClusterRecord,
  report: StatusReportInput,
): StatusReportOutcome {
  const parsed = report.objects.map((o, i) => {
    if (!isPerClusterStatus(o.status)) {
      throw new ValidationError(
        `objects[${i}].status`,
        `unknown per-cluster status ${JSON.stringify(o.status)}`,
      );
    }
    return { ...o, status: o.status, health: toHealth(o.health, `objects[${i}].health`) };
  });
  return runWrite(deps, (txn) => {
    const ignored: string[] = [];
    let written = 0;
    for (const o of parsed) {
      const row = txn.store.slices.get(cluster.name, o.key);
      if (!row) {
        ignored.push(o.key);
        continue;
      }
      const next: ObjectStatusRecord = {
        cluster: cluster.name,
        key: o.key,
        source: row.source,
        status: o.status,
        message: o.message,
        revision: o.revision,
        generation: o.generation,
        observedGeneration: o.observedGeneration,
        replicas: orNull(o.replicas),
        readyReplicas: orNull(o.readyReplicas),
        availableReplicas: orNull(o.availableReplicas),
        updatedReplicas: orNull(o.updatedReplicas),
        health: o.health,
        conditions: o.conditions,
        driftCorrections: o.driftCorrections,
        unschedulableReplicas: o.unschedulableReplicas,
        unschedulableSinceMs: o.unschedulableSinceMs,
        updatedAt: txn.now,
      };
      const prev = txn.store.status.get(cluster.name, o.key);
      if (prev && JSON.stringify({ ...prev, updatedAt: 0 }) === JSON.stringify({ ...next, updatedAt: 0 }))
        continue;
      txn.store.status.upsert(next);
      written++;
      if (
        next.status === 'Ok' &&
        next.revision === row.revision &&
        !(prev?.status === 'Ok' && prev.revision >= row.revision)
      )
        deps.observer?.propagated(Math.max(0, txn.now - row.changedAt) / 1000, cluster.name);
      else if (FAILURES.has(next.status) && (prev?.status !== next.status || prev.revision !== next.revision))
        deps.observer?.applyFailed(cluster.name, next.status);
    }
    for (const key of report.removed) if (txn.store.status.remove(cluster.name, key)) written++;
    if (report.appliedRevision !== cluster.appliedRevision) {
      txn.store.clusters.setAppliedRevision(cluster.name, report.appliedRevision);
    }
    if (ignored.length > 0)
      deps.log.warn(
        { cluster: cluster.name, ignored: ignored.length },
        'status for keys outside the slice ignored',
      );
    return { appliedRevision: report.appliedRevision, ignored, written };
  });
}
