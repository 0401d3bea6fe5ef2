/**
 * Target namespaces that do not exist yet: the agent creates them (labelled managed-by, recorded
 * in the ledger as implicit, so never pruned) unless the slice itself carries the Namespace.
 */
import type { Logger } from '../shared/logger.ts';
import { toObjectKey } from '../shared/object-key.ts';
import type { DesiredState } from './core/desired-set.ts';
import { computeImplicitNamespace } from './core/intent.ts';
import type { Ledger } from './kube/ledger.ts';
import type { MemberObjects } from './kube/objects.ts';

const namespaceKey = (name: string) => toObjectKey({ group: '', kind: 'Namespace', namespace: '', name });

/** Ensures each namespace exists; returns why a namespace could not be created, by name. */
export async function ensureImplicitNamespaces(
  deps: { objects: MemberObjects; ledger: Ledger; log: Logger },
  namespaces: Iterable<string>,
  desired: DesiredState,
  signal?: AbortSignal,
): Promise<Map<string, string>> {
  const failed = new Map<string, string>();
  const needed = new Set([...namespaces].filter((ns) => ns !== '' && !desired.objects.has(namespaceKey(ns))));
  for (const ns of needed) {
    const key = namespaceKey(ns);
    try {
      if (await deps.objects.get({ apiVersion: 'v1', kind: 'Namespace', namespace: '', name: ns }, signal))
        continue;
      if (!deps.ledger.get(key)) {
        deps.ledger.set(key, {
          apiVersion: 'v1',
          hash: '',
          revision: 0,
          hubId: desired.hubId,
          implicit: true,
        });
        await deps.ledger.flush(signal);
      }
      await deps.objects.apply(computeImplicitNamespace(ns), { force: false, signal });
      deps.log.info({ namespace: ns }, 'namespace created for desired objects');
    } catch (err) {
      failed.set(
        ns,
        `namespace ${ns} could not be created: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }
  return failed;
}
