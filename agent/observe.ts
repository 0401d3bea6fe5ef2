/**
 * Reading the observed state of applied objects: health and replica counts from the live object,
 * unschedulable pods for Deployments that are not healthy (with the time they were first seen),
 * and waiting for a freshly applied CRD to be established.
 */
import type { Logger } from '../shared/logger.ts';
import { fromObjectKey } from '../shared/object-key.ts';
import { computeObservedState } from './core/health.ts';
import { computeUnschedulable, type ObjectStatusValue } from './core/object-status.ts';
import { listPods } from './kube/cluster-facts.ts';
import type { MemberObjects, ObjectCoords } from './kube/objects.ts';

type Obj = Record<string, unknown>;

/** How long a pass waits for a CRD it applied to be established before going on. */
const CRD_ESTABLISH_WAIT_MS = 10_000;

export interface Observer {
  observe(key: string, live: Obj): Promise<Partial<ObjectStatusValue>>;
}

export function createObserver(deps: {
  objects: MemberObjects;
  log: Logger;
  kubeTimeoutMs: number;
}): Observer {
  const unschedulableSince = new Map<string, number>();
  return {
    async observe(key, live) {
      const ref = fromObjectKey(key);
      const gk = `${ref.group === '' ? 'core' : ref.group}/${ref.kind}`;
      const obs = computeObservedState(gk, live);
      let unsched = { count: 0, sinceMs: 0 };
      const selector = ((live['spec'] as Obj | undefined)?.['selector'] as Obj | undefined)?.['matchLabels'];
      if (gk === 'apps/Deployment' && obs.health !== 'Healthy' && selector && typeof selector === 'object') {
        try {
          const pods = await listPods(
            deps.objects.kube,
            ref.namespace,
            selector as Record<string, string>,
            deps.kubeTimeoutMs,
          );
          unsched = computeUnschedulable(pods);
        } catch (err) {
          deps.log.debug({ err, key }, 'pods not listed');
        }
      }
      if (unsched.count === 0) unschedulableSince.delete(key);
      else if (!unschedulableSince.has(key)) unschedulableSince.set(key, unsched.sinceMs);
      return {
        ...obs,
        unschedulableReplicas: unsched.count,
        unschedulableSinceMs: unschedulableSince.get(key) ?? 0,
      };
    },
  };
}

/** The CRD once established, or as last seen after CRD_ESTABLISH_WAIT_MS. */
export async function awaitEstablished(
  objects: MemberObjects,
  c: ObjectCoords,
  live: Obj,
  signal?: AbortSignal,
): Promise<Obj> {
  const deadline = Date.now() + CRD_ESTABLISH_WAIT_MS;
  const pause = () => new Promise((r) => setTimeout(r, 200));
  let current = live;
  while (Date.now() < deadline && !signal?.aborted) {
    if (computeObservedState('apiextensions.k8s.io/CustomResourceDefinition', current).health === 'Healthy')
      break;
    await pause();
    current = (await objects.get(c, signal)) ?? current;
  }
  // Established is not yet served: wait until discovery lists the kind at each served version.
  const spec = (current['spec'] ?? {}) as {
    group?: string;
    names?: { kind?: string };
    versions?: Array<{ name?: string; served?: boolean }>;
  };
  for (const v of spec.versions ?? []) {
    if (!v.served || !spec.group || !v.name || !spec.names?.kind) continue;
    const apiVersion = `${spec.group}/${v.name}`;
    while (Date.now() < deadline && !signal?.aborted) {
      objects.discovery.invalidate(apiVersion);
      try {
        await objects.resolve(apiVersion, spec.names.kind);
        break;
      } catch {
        await pause();
      }
    }
  }
  return current;
}
