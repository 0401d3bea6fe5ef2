import { NotFoundError } from '../../shared/errors.ts';
import { RSP_KIND, TYPE_CONFIG_KIND, sourceOf } from './reconcile-slices.ts';
import { recomputeSources, type SourceRef } from './recompute.ts';
import { typeRegistrationFromTypeConfig } from './core-port.ts';
import { runWrite, type WriteDeps } from './write-deps.ts';

/**
 * Deletes a stored resource in one transaction. A federated resource's member objects all become
 * tombstones; deleting an RSP or a type config recomputes what it drove.
 */
export function deleteResource(deps: WriteDeps, ref: SourceRef): void {
  runWrite(deps, (txn) => {
    const before = txn.store.resources.get(ref.kind, ref.namespace, ref.name);
    if (!before) throw new NotFoundError(sourceOf(ref));
    txn.store.resources.delete(ref.kind, ref.namespace, ref.name);
    let affected: SourceRef[] = [ref];
    if (before.kind === RSP_KIND) {
      const targetKind = (before.body['spec'] as { targetKind?: unknown } | undefined)?.targetKind;
      affected = typeof targetKind === 'string' ? [{ ...ref, kind: targetKind }] : [];
    } else if (before.kind === TYPE_CONFIG_KIND) {
      affected = txn.store.resources.list({
        kind: typeRegistrationFromTypeConfig(before.body).federatedKind,
      });
    }
    recomputeSources(deps, txn, affected);
  });
}
