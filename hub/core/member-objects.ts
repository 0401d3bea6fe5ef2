/**
 * What each member cluster must run for one federated resource: placement, overrides, the
 * managed-by label and, under a ReplicaSchedulingPreference, the replica plan.
 */
import { ValidationError } from '../../shared/errors.ts';
import { toObjectKey, toSourceKey } from '../../shared/object-key.ts';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../../shared/vocabulary.ts';
import { planReplicas } from '../scheduling/planner.ts';
import { isObject, writePointer, type JsonObject } from './fields.ts';
import { matchesLabelSelector } from './label-selector.ts';
import type {
  ClusterComputeError,
  ClusterInfo,
  ComputeResult,
  DesiredObject,
  Placement,
  StoredResource,
  TypeRegistration,
} from './model.ts';
import { applyOverrides, validateOverrides } from './overrides.ts';
import { computePlacement } from './placement.ts';
import type { TypeRegistry } from './type-registry.ts';
import { RSP_KIND, effectivePreferences, validateRspSpec, type RspSpec } from './validate-rsp.ts';

export interface MemberObjectsContext {
  /** Every member cluster, ready or not. */
  clusters: ClusterInfo[];
  registry: TypeRegistry;
  /** The ReplicaSchedulingPreference with the resource's namespace and name, if any. */
  rsp?: StoredResource;
  /** Replicas each cluster runs now (kubefed: ready replicas), for the planner and for holding. */
  currentReplicas?: Record<string, number>;
  /** Replicas a cluster can run at most, for clusters known to be limited. */
  capacity?: Record<string, number>;
  /**
   * Replicas last sent to each cluster. A placed cluster that is not ready keeps this count (else
   * its current count) rather than being planned; without either it gets no object.
   */
  previousReplicas?: Record<string, number>;
  /**
   * Decides the replicas each cluster is told, given the plan for the ready candidates (plan +
   * overflow) and the held counts of the others. The hub's failover rollout uses it to move
   * replicas make-before-break; without it the planned and held counts are sent as they are.
   * Clusters it leaves out get no object.
   */
  assignReplicas?: (planned: Record<string, number>, held: Record<string, number>) => Record<string, number>;
}

/** Template metadata the member object never takes from the template. */
const DROPPED_METADATA = [
  'name',
  'namespace',
  'generateName',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
];

/**
 * Computes the member objects of `resource` (a validated federated resource), one per placed
 * cluster, ordered by cluster name. Each is built from the template: apiVersion and kind from the
 * registry, name and namespace from the federated object (a FederatedNamespace gives a Namespace
 * of its name), template labels and annotations kept; then the cluster's overrides; then identity
 * again (so no override can rename it) and the managed-by label; then the planned replicas.
 *
 * With an applicable ReplicaSchedulingPreference (same namespace and name, targetKind equal to the
 * resource's kind, a kind with replicas), as kubefed's scheduler does:
 * - candidates: with intersectWithClusterSelector false, every cluster (the resource's placement
 *   is ignored, kubefed overwrites it); with true, the clusters the placement's clusterSelector
 *   selects (kubefed ignores placement.clusters there, which it writes itself), or, when there is
 *   no selector, the placement's clusters;
 * - the ready candidates are planned with planReplicas (key "<namespace>/<name>", an empty
 *   preference map meaning { "*": { weight: 1 } }), and each gets plan + overflow replicas, as
 *   kubefed's scheduler sets them; a cluster planned to 0 still gets its object with 0 replicas;
 * - candidates that are not ready are held at previousReplicas (else currentReplicas) when known:
 *   nothing is taken from a cluster while it cannot be told;
 * - the planned count wins over an override of the replicas path, as in kubefed (its scheduler
 *   rewrites that override).
 * A cluster whose overrides do not apply gets an ApplyOverridesFailed error instead of an object.
 * @throws ValidationError when the resource's kind is not registered.
 */
export function computeMemberObjects(resource: StoredResource, ctx: MemberObjectsContext): ComputeResult {
  const reg = ctx.registry.byFederatedKind(resource.kind);
  if (!reg) throw new ValidationError('kind', `unknown federated kind ${JSON.stringify(resource.kind)}`);
  const spec = isObject(resource.body.spec) ? resource.body.spec : {};
  const template = isObject(spec.template) ? spec.template : {};
  const placement = toPlacement(spec.placement);
  const overrides = new Map(
    validateOverrides(spec.overrides, 'spec.overrides').map((o) => [o.clusterName, o.clusterOverrides]),
  );
  const source = toSourceKey(resource.kind, resource.namespace, resource.name);

  const rspSpec = applicableRsp(resource, reg, ctx.rsp);
  let targets: string[];
  let replicas: Map<string, number> | undefined;
  let plan: ComputeResult['plan'];
  let held: string[] | undefined;
  if (rspSpec && reg.replicasPath) {
    const candidates = rspCandidates(ctx.clusters, placement, rspSpec);
    const ready = new Set(ctx.clusters.filter((c) => c.ready).map((c) => c.name));
    plan = planReplicas({
      totalReplicas: rspSpec.totalReplicas,
      rebalance: rspSpec.rebalance,
      preferences: effectivePreferences(rspSpec),
      clusters: candidates.filter((c) => ready.has(c)),
      currentReplicas: ctx.currentReplicas ?? {},
      estimatedCapacity: ctx.capacity ?? {},
      key: `${resource.namespace}/${resource.name}`,
    });
    const planned: Record<string, number> = {};
    for (const [c, n] of Object.entries(plan.plan)) planned[c] = n + (plan.overflow[c] ?? 0);
    const heldCounts: Record<string, number> = {};
    held = [];
    for (const c of candidates) {
      if (ready.has(c)) continue;
      const keep = own(ctx.previousReplicas, c) ?? own(ctx.currentReplicas, c);
      if (keep === undefined) continue;
      heldCounts[c] = keep;
      held.push(c);
    }
    const assigned = ctx.assignReplicas
      ? ctx.assignReplicas(planned, heldCounts)
      : { ...planned, ...heldCounts };
    replicas = new Map(Object.entries(assigned));
    targets = [...replicas.keys()].sort();
  } else {
    targets = computePlacement(ctx.clusters, placement);
  }

  const objects: DesiredObject[] = [];
  const errors: ClusterComputeError[] = [];
  for (const cluster of targets) {
    const built = buildObject(resource, reg, template, overrides.get(cluster) ?? [], replicas?.get(cluster));
    if (built.ok) {
      objects.push({ cluster, key: built.key, source, manifest: built.manifest });
    } else {
      errors.push({ cluster, source, status: 'ApplyOverridesFailed', message: built.message });
    }
  }
  const result: ComputeResult = { objects, errors, placed: targets };
  if (plan) result.plan = plan;
  if (held) result.held = held.sort();
  return result;
}

type Built = { ok: true; key: string; manifest: JsonObject } | { ok: false; message: string };

function buildObject(
  resource: StoredResource,
  reg: TypeRegistration,
  template: JsonObject,
  clusterOverrides: Parameters<typeof applyOverrides>[1],
  replicas: number | undefined,
): Built {
  const { group, version, kind } = reg.target;
  const apiVersion = group === '' ? version : `${group}/${version}`;
  const isNamespace = group === '' && kind === 'Namespace';
  const namespace = reg.namespaced && !isNamespace ? resource.namespace : '';
  const setIdentity = (obj: JsonObject, metadata: JsonObject): void => {
    obj.apiVersion = apiVersion;
    obj.kind = kind;
    metadata.name = resource.name;
    if (namespace === '') delete metadata.namespace;
    else metadata.namespace = namespace;
  };

  const base = structuredClone(template);
  const metadata = isObject(base.metadata) ? base.metadata : {};
  for (const key of DROPPED_METADATA) delete metadata[key];
  const start: JsonObject = { apiVersion, kind, metadata, ...base };
  start.metadata = metadata;
  setIdentity(start, metadata);

  const patched = applyOverrides(start, clusterOverrides);
  if (!patched.ok) return patched;
  const manifest = patched.value;
  if (!isObject(manifest.metadata))
    return { ok: false, message: 'the overrides left metadata not an object' };
  const meta = manifest.metadata;
  setIdentity(manifest, meta);
  const labels = meta.labels ?? {};
  if (!isObject(labels)) return { ok: false, message: 'the overrides left metadata.labels not an object' };
  meta.labels = { ...labels, [MANAGED_BY_LABEL]: MANAGED_BY_VALUE };
  if (replicas !== undefined && reg.replicasPath && !writePointer(manifest, reg.replicasPath, replicas)) {
    return {
      ok: false,
      message: `cannot set the planned replicas at ${reg.replicasPath}: a parent is not an object`,
    };
  }
  return { ok: true, key: toObjectKey({ group, kind, namespace, name: resource.name }), manifest };
}

function toPlacement(value: unknown): Placement | undefined {
  if (!isObject(value)) return undefined;
  const placement: Placement = {};
  if (Array.isArray(value.clusters)) placement.clusters = value.clusters as Placement['clusters'];
  if (isObject(value.clusterSelector))
    placement.clusterSelector = value.clusterSelector as Placement['clusterSelector'];
  return placement;
}

function applicableRsp(
  resource: StoredResource,
  reg: TypeRegistration,
  rsp: StoredResource | undefined,
): RspSpec | undefined {
  if (!rsp || rsp.kind !== RSP_KIND || !reg.replicasPath) return undefined;
  if (rsp.namespace !== resource.namespace || rsp.name !== resource.name) return undefined;
  const spec = validateRspSpec(rsp.body.spec);
  return spec.targetKind === resource.kind ? spec : undefined;
}

function rspCandidates(clusters: ClusterInfo[], placement: Placement | undefined, spec: RspSpec): string[] {
  if (!spec.intersectWithClusterSelector) return clusters.map((c) => c.name).sort();
  if (placement?.clusterSelector !== undefined) {
    return clusters
      .filter((c) => matchesLabelSelector(c.labels, placement.clusterSelector))
      .map((c) => c.name)
      .sort();
  }
  return computePlacement(clusters, placement);
}

function own(record: Record<string, number> | undefined, key: string): number | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}
