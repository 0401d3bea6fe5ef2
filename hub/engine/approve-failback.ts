import { NotFoundError, ValidationError } from '../../shared/errors.ts';
import { FAILBACK_ANNOTATION, parseFailbackPolicy } from '../failover/failback-policy.ts';
import { recomputeSources } from './recompute.ts';
import { RSP_KIND, sourceOf } from './reconcile-slices.ts';
import { runWrite, type WriteDeps } from './write-deps.ts';

export interface FailbackApproval {
  /** The workload whose failback was approved, "<FederatedKind>/<namespace>/<name>". */
  source: string;
  approvedAt: string;
  policy: string;
}

/**
 * Approves failback for the workload of a ReplicaSchedulingPreference whose policy is Manual:
 * clusters that failed over before now take part in its planning again (make-before-break as
 * always). Never refuses: that policy is changed by editing the preference.
 */
export function approveFailback(deps: WriteDeps, ref: { namespace: string; name: string }): FailbackApproval {
  return runWrite(deps, (txn) => {
    const rsp = txn.store.resources.get(RSP_KIND, ref.namespace, ref.name);
    if (!rsp) throw new NotFoundError(`${RSP_KIND}/${ref.namespace}/${ref.name}`);
    const annotations = ((rsp.body['metadata'] as { annotations?: Record<string, unknown> } | undefined)
      ?.annotations ?? {}) as Record<string, unknown>;
    const policy = parseFailbackPolicy(annotations[FAILBACK_ANNOTATION]) ?? 'Automatic';
    if (policy === 'Never') {
      throw new ValidationError(
        `metadata.annotations.${FAILBACK_ANNOTATION}`,
        'the failback policy is Never; change the annotation to Manual or Automatic to fail back',
      );
    }
    const targetKind = String((rsp.body['spec'] as { targetKind?: unknown } | undefined)?.targetKind ?? '');
    const source = sourceOf({ kind: targetKind, namespace: ref.namespace, name: ref.name });
    const record = txn.store.failover.getRollout(source);
    if (record) txn.store.failover.putRollout({ ...record, failbackApprovedAt: txn.now }, txn.now);
    else
      txn.store.failover.putRollout(
        {
          source,
          state: { sent: {}, phase: { kind: 'Steady' }, degraded: false, baseline: {} },
          failbackApprovedAt: txn.now,
        },
        txn.now,
      );
    txn.store.events.record({
      at: txn.now,
      type: 'Normal',
      reason: 'FailbackApproved',
      object: source,
      message: `failback approved (policy ${policy})`,
    });
    recomputeSources(deps, txn, [{ kind: targetKind, namespace: ref.namespace, name: ref.name }]);
    return { source, approvedAt: new Date(txn.now).toISOString(), policy };
  });
}
