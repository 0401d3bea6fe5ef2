/**
 * Carries out the per-object decisions against the member: one pass takes a set of keys, reads
 * each live object, decides (core/decide.ts), records apply intents in the ownership ledger
 * before any object is created, applies in dependency order, deletes in reverse order, and
 * updates per-object status. Passes run one at a time.
 */
import { fromObjectKey } from '../shared/object-key.ts';
import type { Logger } from '../shared/logger.ts';
import type { PerClusterStatus } from '../shared/vocabulary.ts';
import { groupByRank, sortForApply, sortForDelete } from './core/apply-order.ts';
import { decideObject, toLiveView, type Decision } from './core/decide.ts';
import type { DesiredObject, DesiredState } from './core/desired-set.ts';
import { checkManifestKey, computeApplyIntent, HASH_ANNOTATION } from './core/intent.ts';
import { checkGuardRails, type GuardRails } from './core/guard-rails.ts';
import type { ObjectStatusValue } from './core/object-status.ts';
import { ensureImplicitNamespaces } from './implicit-namespaces.ts';
import { awaitEstablished, createObserver } from './observe.ts';
import { UnknownKindError } from './kube/discovery.ts';
import { KubeApiError } from './kube/kube-client.ts';
import type { Ledger } from './kube/ledger.ts';
import type { MemberObjects, ObjectCoords } from './kube/objects.ts';
import type { WatchTarget } from './kube/watchers.ts';

type Obj = Record<string, unknown>;

export interface ReconcilerDeps {
  objects: MemberObjects;
  ledger: Ledger;
  log: Logger;
  adopt: boolean;
  /** What the member's operator allows the hub to place here. */
  guardRails: GuardRails;
  kubeTimeoutMs: number;
  /** Called after a pass that changed any status. */
  onStatusChange: () => void;
}

export interface PassResult {
  applied: number;
  deleted: number;
  failed: number;
  /** Keys whose objects are still rolling out: worth another look soon. */
  progressing: string[];
}

export interface Reconciler {
  /** Replaces the desired state and the hub identities allowed to prune. */
  setDesired(state: DesiredState, prunableHubIds: ReadonlySet<string>): void;
  /** Reconciles every desired and ledger key. */
  reconcileAll(signal?: AbortSignal): Promise<PassResult>;
  reconcileKeys(keys: Iterable<string>, signal?: AbortSignal): Promise<PassResult>;
  statuses(): ReadonlyMap<string, ObjectStatusValue>;
  /** Kinds worth watching: those desired and those in the ledger. */
  watchTargets(): WatchTarget[];
}

function md(o: Obj): Obj {
  return (o['metadata'] ?? {}) as Obj;
}

/** Transport failures (timeouts, refused connections), as opposed to the API server answering. */
function isUnreachable(err: unknown): boolean {
  return (
    !(err instanceof KubeApiError) && !(err instanceof UnknownKindError) && !(err instanceof ManifestError)
  );
}

class ManifestError extends Error {}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

interface Planned {
  key: string;
  coords: ObjectCoords;
  desired: DesiredObject | undefined;
  live: Obj | undefined;
  decision: Decision;
}

export function createReconciler(deps: ReconcilerDeps): Reconciler {
  const { objects, ledger, log } = deps;
  let desired: DesiredState = { hubId: '', revision: 0, objects: new Map() };
  let prunable: ReadonlySet<string> = new Set();
  const appliedHash = new Map<string, string>();
  const drift = new Map<string, number>();
  const observer = createObserver({ objects, log, kubeTimeoutMs: deps.kubeTimeoutMs });
  const statuses = new Map<string, ObjectStatusValue>();
  let queue: Promise<unknown> = Promise.resolve();

  function coordsOf(key: string): ObjectCoords | undefined {
    const ref = fromObjectKey(key);
    const d = desired.objects.get(key);
    const apiVersion = d ? String(d.manifest['apiVersion'] ?? '') : ledger.get(key)?.apiVersion;
    if (!apiVersion) return undefined;
    return { apiVersion, kind: ref.kind, namespace: ref.namespace, name: ref.name };
  }

  function setStatus(key: string, patch: Partial<ObjectStatusValue> & { status: PerClusterStatus }): boolean {
    const d = desired.objects.get(key);
    const next: ObjectStatusValue = {
      key,
      message: '',
      revision: d?.revision ?? ledger.get(key)?.revision ?? 0,
      generation: 0,
      observedGeneration: 0,
      health: 'Unknown',
      conditions: [],
      driftCorrections: drift.get(key) ?? 0,
      unschedulableReplicas: 0,
      unschedulableSinceMs: 0,
      ...patch,
    };
    const before = statuses.get(key);
    statuses.set(key, next);
    return !before || JSON.stringify(before) !== JSON.stringify(next);
  }

  async function plan(key: string, signal?: AbortSignal): Promise<Planned | { key: string; error: unknown }> {
    const coords = coordsOf(key);
    const d = desired.objects.get(key);
    if (!coords) return { key, error: new ManifestError('no apiVersion known for this key') };
    const bad = d && checkManifestKey(key, d.manifest);
    if (bad) return { key, error: new ManifestError(bad) };
    try {
      const live = await objects.get(coords, signal);
      const entry = ledger.get(key);
      const annotations = (live ? md(live)['annotations'] : undefined) as Record<string, string> | undefined;
      const decision = decideObject({
        desired: d,
        ledger: entry,
        live: live ? toLiveView(live) : undefined,
        lastAppliedHash: appliedHash.get(key) ?? (live && entry ? annotations?.[HASH_ANNOTATION] : undefined),
        prunableHubIds: prunable,
        adopt: deps.adopt,
      });
      return { key, coords, desired: d, live, decision };
    } catch (err) {
      return { key, error: err };
    }
  }

  async function pass(keys: Iterable<string>, signal?: AbortSignal): Promise<PassResult> {
    const result: PassResult = { applied: 0, deleted: 0, failed: 0, progressing: [] };
    let changed = false;
    const allPlans: Planned[] = [];
    // Rank by rank: a custom resource is read and applied only after its CRD's rank has been applied.
    for (const group of groupByRank(sortForApply(new Set(keys)))) {
      const plans = await planGroup(group, signal);
      allPlans.push(...plans.planned);
      result.failed += plans.failed;
      changed = plans.changed || changed;
      const r = await applyGroup(plans.planned, signal);
      result.applied += r.applied;
      result.failed += r.failed;
      result.progressing.push(...r.progressing);
      changed = r.changed || changed;
    }
    const d = await deleteUnwanted(allPlans, signal);
    result.deleted += d.deleted;
    result.failed += d.failed;
    changed = d.changed || changed;
    // The slice may have changed while this pass ran: drop statuses of keys no longer desired or owned.
    changed = dropStaleStatuses() || changed;
    if (changed) deps.onStatusChange();
    return result;
  }

  function dropStaleStatuses(): boolean {
    let dropped = false;
    for (const key of [...statuses.keys()]) {
      if (!desired.objects.has(key) && !ledger.get(key)) dropped = statuses.delete(key) || dropped;
    }
    return dropped;
  }

  async function planGroup(
    keys: string[],
    signal?: AbortSignal,
  ): Promise<{ planned: Planned[]; failed: number; changed: boolean }> {
    let failed = 0;
    let changed = false;
    const plans: Planned[] = [];
    for (const key of keys) {
      const d = desired.objects.get(key);
      const denied = d && checkGuardRails(deps.guardRails, key, d.manifest);
      if (denied) {
        changed = setStatus(key, { status: 'Denied', message: denied }) || changed;
        continue;
      }
      const p = await plan(key, signal);
      if ('error' in p) {
        // The member not answering is no verdict on the object: end the pass, keep every status.
        if (isUnreachable(p.error)) throw p.error;
        failed++;
        const status = desired.objects.has(key) ? 'CreationFailed' : 'DeletionFailed';
        changed = setStatus(key, { status, message: errorMessage(p.error) }) || changed;
        if (!(p.error instanceof UnknownKindError)) log.warn({ err: p.error, key }, 'object not read');
        continue;
      }
      plans.push(p);
    }
    return { planned: plans, failed, changed };
  }

  async function applyGroup(
    plans: Planned[],
    signal?: AbortSignal,
  ): Promise<Omit<PassResult, 'deleted'> & { changed: boolean }> {
    const result = { applied: 0, failed: 0, progressing: [] as string[] };
    let changed = false;
    // Intent first: the ledger names every object before it is created, so a crash in between
    // cannot leave an object of ours that a restarted agent would take for someone else's.
    let ledgerDirty = false;
    for (const p of plans) {
      if (p.decision.action !== 'apply' || !p.desired) continue;
      const e = ledger.get(p.key);
      const next = {
        apiVersion: p.coords.apiVersion,
        hash: p.desired.hash,
        revision: p.desired.revision,
        hubId: desired.hubId,
      };
      if (
        !e ||
        e.hash !== next.hash ||
        e.hubId !== next.hubId ||
        e.revision !== next.revision ||
        e.apiVersion !== next.apiVersion
      ) {
        ledger.set(p.key, next);
        ledgerDirty = true;
      }
    }
    if (ledgerDirty) await ledger.flush(signal);
    const nsFailures = await ensureImplicitNamespaces(
      { objects, ledger, log },
      plans.filter((p) => p.decision.action === 'apply').map((p) => p.coords.namespace),
      desired,
      signal,
    );

    for (const p of plans) {
      const { key, decision, desired: d } = p;
      if (decision.action === 'delete' || decision.action === 'forget' || decision.action === 'keep')
        continue;
      if (decision.action === 'skip') {
        if (!d || !p.live) continue;
        appliedHash.set(key, d.hash);
        const obs = await observer.observe(key, p.live);
        changed = setStatus(key, { status: 'Ok', ...obs }) || changed;
        if (obs.health === 'Progressing') result.progressing.push(key);
        continue;
      }
      if (decision.action === 'alreadyExists') {
        changed =
          setStatus(key, {
            status: 'AlreadyExists',
            message: 'an object of this name exists in the member and was not created by fedhub',
          }) || changed;
        continue;
      }
      if (!d) continue;
      const creating = decision.reason === 'create' || decision.reason === 'recreate';
      const nsFailure = nsFailures.get(p.coords.namespace);
      if (nsFailure) {
        result.failed++;
        changed = setStatus(key, { status: 'CreationFailed', message: nsFailure }) || changed;
        continue;
      }
      try {
        let live = await objects.apply(computeApplyIntent(d), { force: !creating, signal });
        result.applied++;
        // Resources of a CRD in the same pass can only be applied once it is established.
        if (p.coords.kind === 'CustomResourceDefinition')
          live = await awaitEstablished(objects, p.coords, live, signal);
        appliedHash.set(key, d.hash);
        if (decision.reason === 'drift' || decision.reason === 'recreate') {
          drift.set(key, (drift.get(key) ?? 0) + 1);
          log.info({ key, reason: decision.reason }, 'drift corrected');
        }
        const obs = await observer.observe(key, live);
        changed = setStatus(key, { status: 'Ok', ...obs }) || changed;
        if (obs.health === 'Progressing') result.progressing.push(key);
      } catch (err) {
        result.failed++;
        const conflict = creating && err instanceof KubeApiError && err.status === 409;
        const status: PerClusterStatus = conflict
          ? 'AlreadyExists'
          : creating
            ? 'CreationFailed'
            : 'UpdateFailed';
        changed = setStatus(key, { status, message: errorMessage(err) }) || changed;
        if (!(err instanceof KubeApiError)) log.warn({ err, key }, 'apply failed');
      }
    }

    return { ...result, changed };
  }

  async function deleteUnwanted(
    plans: Planned[],
    signal?: AbortSignal,
  ): Promise<{ deleted: number; failed: number; changed: boolean }> {
    const result = { deleted: 0, failed: 0 };
    let changed = false;
    let ledgerDirty = false;
    const byKey = new Map(plans.map((p) => [p.key, p]));
    for (const key of sortForDelete(byKey.keys())) {
      const p = byKey.get(key)!;
      if (p.decision.action === 'keep') {
        changed = statuses.delete(key) || changed;
      } else if (p.decision.action === 'forget') {
        ledger.delete(key);
        ledgerDirty = true;
        changed = statuses.delete(key) || changed;
      } else if (p.decision.action === 'delete') {
        try {
          await objects.delete(p.coords, signal);
          result.deleted++;
          ledger.delete(key);
          ledgerDirty = true;
          appliedHash.delete(key);
          drift.delete(key);
          changed = statuses.delete(key) || changed;
          log.info({ key }, 'object pruned');
        } catch (err) {
          result.failed++;
          changed = setStatus(key, { status: 'DeletionFailed', message: errorMessage(err) }) || changed;
        }
      } else if (p.decision.action === 'skip' && !p.desired) {
        changed = statuses.delete(key) || changed;
      }
    }
    if (ledgerDirty) await ledger.flush(signal);
    return { ...result, changed };
  }

  function serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  }

  return {
    setDesired(state, prunableHubIds) {
      desired = state;
      prunable = prunableHubIds;
      dropStaleStatuses();
    },
    reconcileAll: (signal) =>
      serialized(() => {
        const keys = new Set([
          ...desired.objects.keys(),
          ...[...ledger.entries()].filter(([, e]) => !e.implicit).map(([k]) => k),
        ]);
        return pass(keys, signal);
      }),
    reconcileKeys: (keys, signal) => {
      const list = [...keys].filter((k) => desired.objects.has(k) || ledger.get(k));
      return serialized(() => pass(list, signal));
    },
    statuses: () => statuses,
    watchTargets() {
      const out: WatchTarget[] = [];
      for (const d of desired.objects.values()) {
        out.push({
          apiVersion: String(d.manifest['apiVersion'] ?? ''),
          kind: String(d.manifest['kind'] ?? ''),
        });
      }
      for (const [key, e] of ledger.entries()) {
        if (!e.implicit) out.push({ apiVersion: e.apiVersion, kind: fromObjectKey(key).kind });
      }
      return out.filter((t) => t.apiVersion !== '' && t.kind !== '');
    },
  };
}
