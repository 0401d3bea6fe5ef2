/**
 * Validation of one submitted document: a federated resource, a ReplicaSchedulingPreference or a
 * FederatedTypeConfig. Returns it normalised as the store keeps it.
 */
import { ValidationError } from '../../shared/errors.ts';
import {
  dns1123LabelError,
  dns1123SubdomainError,
  describe,
  expectCount,
  expectKnownKeys,
  expectLabels,
  expectObject,
  expectString,
  isObject,
  readPointer,
  type JsonObject,
} from './fields.ts';
import { validateLabelSelector } from './label-selector.ts';
import type { StoredResource, TypeRegistration } from './model.ts';
import { validateOverrides } from './overrides.ts';
import {
  FEDERATED_API_VERSION,
  TYPE_CONFIG_API_VERSION,
  checkRegistrationFits,
  typeRegistrationFromTypeConfig,
  type TypeRegistry,
} from './type-registry.ts';
import { RSP_API_VERSION, RSP_KIND, validateRspSpec } from './validate-rsp.ts';

/** Metadata the API server sets; dropped from what is stored. */
const SERVER_SET_METADATA = [
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
];
const METADATA_KEYS = [
  'name',
  'namespace',
  'labels',
  'annotations',
  'finalizers',
  'ownerReferences',
  ...SERVER_SET_METADATA,
];

/**
 * Validates document number `index` (1-based, as parseDocuments counts) against `registry`.
 * - Federated resources (`types.kubefed.io/v1beta1`, a kind the registry knows): metadata.name a
 *   DNS-1123 subdomain; metadata.namespace required for namespaced kinds and ignored (dropped) for
 *   cluster-scoped ones; a FederatedNamespace lives in the namespace it federates, so its
 *   namespace must equal its name (absent means that one); spec.template an object when present
 *   (absent reads as {}, as in kubefed), whose apiVersion and kind, if set, are the target's; spec.placement and spec.overrides well formed; replicas, where the kind
 *   has them, a non-negative integer in the template and in overrides of that path.
 * - ReplicaSchedulingPreference (`scheduling.kubefed.io/v1alpha1`): namespaced, see validateRspSpec.
 * - FederatedTypeConfig (`core.kubefed.io/v1beta1`): cluster-wide here (a namespace is dropped); it
 *   must not conflict with the registry.
 * The body is a copy without status and server-set metadata. `generation` is 0: the store sets it.
 * @throws ValidationError(field, reason, index), the field a path like `spec.overrides[0].clusterOverrides[1].path`.
 */
export function validateDocument(doc: unknown, index: number, registry: TypeRegistry): StoredResource {
  const obj = expectObject(doc, 'document', index);
  const apiVersion = expectString(obj.apiVersion, 'apiVersion', index);
  const kind = expectString(obj.kind, 'kind', index);
  expectKnownKeys(obj, ['apiVersion', 'kind', 'metadata', 'spec', 'status'], '', index);
  if (apiVersion === FEDERATED_API_VERSION) {
    const reg = registry.byFederatedKind(kind);
    if (!reg) {
      throw new ValidationError(
        'kind',
        `unknown federated kind ${JSON.stringify(kind)} (register its target with a FederatedTypeConfig)`,
        index,
      );
    }
    return validateFederated(obj, reg, index);
  }
  if (apiVersion === RSP_API_VERSION && kind === RSP_KIND) {
    const body = normalise(obj, 'namespaced', index);
    validateRspSpec(obj.spec, index);
    return toStored(body);
  }
  if (apiVersion === TYPE_CONFIG_API_VERSION && kind === 'FederatedTypeConfig') {
    const body = normalise(obj, 'cluster', index);
    checkRegistrationFits(registry, typeRegistrationFromTypeConfig(body, index), index);
    return toStored(body);
  }
  throw new ValidationError(
    'kind',
    `unknown kind ${JSON.stringify(kind)} in ${JSON.stringify(apiVersion)} (expected a ${FEDERATED_API_VERSION} federated kind, ${RSP_API_VERSION} ${RSP_KIND} or ${TYPE_CONFIG_API_VERSION} FederatedTypeConfig)`,
    index,
  );
}

function validateFederated(obj: JsonObject, reg: TypeRegistration, index: number): StoredResource {
  const isNamespace = reg.target.group === '' && reg.target.kind === 'Namespace';
  const body = normalise(obj, isNamespace ? 'self' : reg.namespaced ? 'namespaced' : 'cluster', index);
  const spec = expectObject(obj.spec, 'spec', index);
  expectKnownKeys(spec, ['template', 'placement', 'overrides'], 'spec', index);
  // kubefed builds objects from an absent template as from {} (its samples rely on it).
  if (spec.template !== undefined)
    validateTemplate(expectObject(spec.template, 'spec.template', index), reg, index);
  if (spec.placement !== undefined && spec.placement !== null) validatePlacement(spec.placement, index);
  const overrides = validateOverrides(spec.overrides, 'spec.overrides', index);
  if (reg.replicasPath) {
    overrides.forEach((o, i) =>
      o.clusterOverrides.forEach((co, j) => {
        if (co.path === reg.replicasPath && co.op !== 'remove') {
          expectCount(co.value, `spec.overrides[${i}].clusterOverrides[${j}].value`, index);
        }
      }),
    );
  }
  return toStored(body);
}

function validateTemplate(template: JsonObject, reg: TypeRegistration, index: number): void {
  const { group, version, kind } = reg.target;
  const apiVersion = group === '' ? version : `${group}/${version}`;
  if (template.kind !== undefined && template.kind !== kind) {
    throw new ValidationError(
      'spec.template.kind',
      `must be ${kind} or absent, got ${describe(template.kind)}`,
      index,
    );
  }
  if (template.apiVersion !== undefined && template.apiVersion !== apiVersion) {
    throw new ValidationError(
      'spec.template.apiVersion',
      `must be ${apiVersion} or absent, got ${describe(template.apiVersion)}`,
      index,
    );
  }
  if (template.metadata !== undefined) {
    const metadata = expectObject(template.metadata, 'spec.template.metadata', index);
    if (metadata.labels !== undefined) expectLabels(metadata.labels, 'spec.template.metadata.labels', index);
    if (metadata.annotations !== undefined)
      expectAnnotations(metadata.annotations, 'spec.template.metadata.annotations', index);
  }
  if (reg.replicasPath) {
    const replicas = readPointer(template, reg.replicasPath);
    const field = `spec.template${reg.replicasPath.replace(/\//g, '.')}`;
    if (replicas !== undefined) expectCount(replicas, field, index);
  }
}

function validatePlacement(value: unknown, index: number): void {
  const placement = expectObject(value, 'spec.placement', index);
  expectKnownKeys(placement, ['clusters', 'clusterSelector'], 'spec.placement', index);
  if (placement.clusters !== undefined && placement.clusters !== null) {
    if (!Array.isArray(placement.clusters)) {
      throw new ValidationError(
        'spec.placement.clusters',
        `must be a list, got ${describe(placement.clusters)}`,
        index,
      );
    }
    placement.clusters.forEach((c, i) => {
      const field = `spec.placement.clusters[${i}]`;
      const ref = expectObject(c, field, index);
      expectKnownKeys(ref, ['name'], field, index);
      const name = expectString(ref.name, `${field}.name`, index);
      if (name === '') throw new ValidationError(`${field}.name`, 'must not be empty', index);
    });
  }
  if (placement.clusterSelector !== undefined && placement.clusterSelector !== null) {
    validateLabelSelector(placement.clusterSelector, 'spec.placement.clusterSelector', index);
  }
}

function expectAnnotations(value: unknown, field: string, index: number): void {
  for (const [key, v] of Object.entries(expectObject(value, field, index))) {
    if (typeof v !== 'string') {
      throw new ValidationError(
        `${field}[${JSON.stringify(key)}]`,
        `must be a string, got ${describe(v)}`,
        index,
      );
    }
  }
}

/**
 * Checks metadata and returns a copy of the document without status and server-set metadata.
 * Scope: 'namespaced' requires a namespace, 'cluster' drops it, 'self' (FederatedNamespace) makes
 * it equal to the name.
 */
function normalise(obj: JsonObject, scope: 'namespaced' | 'cluster' | 'self', index: number): JsonObject {
  const metadata = expectObject(obj.metadata, 'metadata', index);
  if (metadata.generateName !== undefined) {
    throw new ValidationError('metadata.generateName', 'is not supported: give metadata.name', index);
  }
  expectKnownKeys(metadata, METADATA_KEYS, 'metadata', index);
  if (metadata.name === undefined) {
    throw new ValidationError('metadata.name', 'is required (generateName is not supported)', index);
  }
  const name = expectString(metadata.name, 'metadata.name', index);
  const nameError = scope === 'self' ? dns1123LabelError(name) : dns1123SubdomainError(name);
  if (name === '' || nameError) {
    throw new ValidationError(
      'metadata.name',
      `${JSON.stringify(name)} ${nameError ?? 'must not be empty'}`,
      index,
    );
  }
  let namespace =
    metadata.namespace === undefined
      ? undefined
      : expectString(metadata.namespace, 'metadata.namespace', index);
  if (scope === 'namespaced') {
    if (namespace === undefined || namespace === '')
      throw new ValidationError('metadata.namespace', 'is required for this kind', index);
  } else if (scope === 'self') {
    if (namespace !== undefined && namespace !== name) {
      throw new ValidationError(
        'metadata.namespace',
        `a FederatedNamespace lives in the namespace it federates: must be ${JSON.stringify(name)}, got ${JSON.stringify(namespace)}`,
        index,
      );
    }
    namespace = name;
  } else {
    namespace = undefined;
  }
  if (namespace !== undefined) {
    const nsError = dns1123LabelError(namespace);
    if (nsError)
      throw new ValidationError('metadata.namespace', `${JSON.stringify(namespace)} ${nsError}`, index);
  }
  if (metadata.labels !== undefined) expectLabels(metadata.labels, 'metadata.labels', index);
  if (metadata.annotations !== undefined)
    expectAnnotations(metadata.annotations, 'metadata.annotations', index);

  const body = structuredClone(obj);
  delete body.status;
  const meta = body.metadata as JsonObject;
  for (const key of SERVER_SET_METADATA) delete meta[key];
  if (namespace === undefined) delete meta.namespace;
  else meta.namespace = namespace;
  return body;
}

function toStored(body: JsonObject): StoredResource {
  const metadata = body.metadata as JsonObject;
  return {
    apiVersion: body.apiVersion as string,
    kind: body.kind as string,
    namespace: typeof metadata.namespace === 'string' ? metadata.namespace : '',
    name: metadata.name as string,
    generation: 0,
    labels: isObject(metadata.labels) ? { ...(metadata.labels as Record<string, string>) } : {},
    body,
  };
}
