/**
 * The type registry: which federated kinds exist and what each creates in member clusters.
 */
import { ValidationError } from '../../shared/errors.ts';
import { expectKnownKeys, expectObject, expectString } from './fields.ts';
import type { TypeRegistration } from './model.ts';

export const FEDERATED_API_VERSION = 'types.kubefed.io/v1beta1';
export const TYPE_CONFIG_API_VERSION = 'core.kubefed.io/v1beta1';
const FEDERATED_GROUP = 'types.kubefed.io';
const FEDERATED_VERSION = 'v1beta1';

/** Where Deployment, ReplicaSet and StatefulSet keep their replica count. */
export const REPLICAS_PATH = '/spec/replicas';

function builtin(
  group: string,
  version: string,
  kind: string,
  pluralName: string,
  namespaced: boolean,
  replicas = false,
): TypeRegistration {
  return {
    federatedKind: `Federated${kind}`,
    target: { group, version, kind },
    namespaced,
    pluralName,
    ...(replicas ? { replicasPath: REPLICAS_PATH } : {}),
  };
}

/** The federated kinds every hub knows, as kubefed enables them by default. */
export const BUILTIN_TYPES: readonly TypeRegistration[] = Object.freeze([
  builtin('', 'v1', 'Namespace', 'namespaces', false),
  builtin('', 'v1', 'ConfigMap', 'configmaps', true),
  builtin('', 'v1', 'Secret', 'secrets', true),
  builtin('', 'v1', 'Service', 'services', true),
  builtin('', 'v1', 'ServiceAccount', 'serviceaccounts', true),
  builtin('apps', 'v1', 'Deployment', 'deployments', true, true),
  builtin('apps', 'v1', 'ReplicaSet', 'replicasets', true, true),
  builtin('apps', 'v1', 'StatefulSet', 'statefulsets', true, true),
  builtin('apps', 'v1', 'DaemonSet', 'daemonsets', true),
  builtin('batch', 'v1', 'Job', 'jobs', true),
  builtin('batch', 'v1', 'CronJob', 'cronjobs', true),
  builtin('networking.k8s.io', 'v1', 'Ingress', 'ingresses', true),
  builtin('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', false),
  builtin('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', false),
  builtin('rbac.authorization.k8s.io', 'v1', 'Role', 'roles', true),
  builtin('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings', true),
  builtin('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'customresourcedefinitions', false),
]);

export interface TypeRegistry {
  /** The registration of a federated kind such as "FederatedDeployment". */
  byFederatedKind(federatedKind: string): TypeRegistration | undefined;
  /** The registration whose target has this group ('' for core) and kind, whatever its version. */
  byTarget(group: string, kind: string): TypeRegistration | undefined;
  /** Every registration, built-ins first, then the extras in the order given. */
  list(): TypeRegistration[];
}

const targetKey = (group: string, kind: string) => `${group}/${kind}`;

/** Why `reg` cannot join a registry holding `existing`, or undefined when it can (possibly as a duplicate). */
function conflict(
  reg: TypeRegistration,
  byKind: Map<string, TypeRegistration>,
  byTarget: Map<string, TypeRegistration>,
) {
  const sameKind = byKind.get(reg.federatedKind);
  const sameTarget = byTarget.get(targetKey(reg.target.group, reg.target.kind));
  if (sameKind && (sameKind.target.group !== reg.target.group || sameKind.target.kind !== reg.target.kind)) {
    return `${reg.federatedKind} is already registered for ${describeTarget(sameKind)}`;
  }
  if (sameTarget && sameTarget.federatedKind !== reg.federatedKind) {
    return `${describeTarget(reg)} is already federated as ${sameTarget.federatedKind}`;
  }
  return undefined;
}

function describeTarget(reg: TypeRegistration): string {
  return `${reg.target.group === '' ? 'core' : reg.target.group}/${reg.target.version} ${reg.target.kind}`;
}

/**
 * A registry of the built-ins plus `extra` (from FederatedTypeConfigs). An extra that repeats a
 * registration (same federated kind for the same target group and kind) is accepted and the first
 * one wins, so kubefed's own FederatedTypeConfigs for built-in kinds can be applied unchanged.
 * @throws ValidationError when an extra maps a federated kind or a target that is already taken differently.
 */
export function createTypeRegistry(extra: readonly TypeRegistration[] = []): TypeRegistry {
  const byKind = new Map<string, TypeRegistration>();
  const byTarget = new Map<string, TypeRegistration>();
  for (const reg of [...BUILTIN_TYPES, ...extra]) {
    const reason = conflict(reg, byKind, byTarget);
    if (reason) throw new ValidationError('spec.federatedType.kind', reason);
    if (byKind.has(reg.federatedKind)) continue;
    const frozen = Object.freeze({ ...reg, target: Object.freeze({ ...reg.target }) });
    byKind.set(reg.federatedKind, frozen);
    byTarget.set(targetKey(reg.target.group, reg.target.kind), frozen);
  }
  const all = [...byKind.values()];
  return {
    byFederatedKind: (kind) => byKind.get(kind),
    byTarget: (group, kind) => byTarget.get(targetKey(group, kind)),
    list: () => [...all],
  };
}

/**
 * Whether `reg` fits into `registry` (the same as an existing registration, or new for both its
 * federated kind and its target).
 * @throws ValidationError naming spec.federatedType.kind when it conflicts.
 */
export function checkRegistrationFits(
  registry: TypeRegistry,
  reg: TypeRegistration,
  document?: number,
): void {
  const byKind = new Map(registry.list().map((r) => [r.federatedKind, r]));
  const byTarget = new Map(registry.list().map((r) => [targetKey(r.target.group, r.target.kind), r]));
  const reason = conflict(reg, byKind, byTarget);
  if (reason) throw new ValidationError('spec.federatedType.kind', reason, document);
}

const KIND = /^[A-Z][A-Za-z0-9]*$/;
const VERSION = /^v[0-9]+((alpha|beta)[0-9]+)?$/;
const GROUP = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)?$/;
const PLURAL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Converts a kubefed FederatedTypeConfig (`core.kubefed.io/v1beta1`) into a registration.
 * spec.targetType gives group ('' or absent for core), version, kind, pluralName and scope
 * (Namespaced or Cluster); spec.federatedType must be in types.kubefed.io/v1beta1, the only
 * federated API this hub serves. Other kubefed fields (propagation, statusCollection, ...) are
 * accepted and ignored.
 * @throws ValidationError naming the field, e.g. `spec.targetType.scope`.
 */
export function typeRegistrationFromTypeConfig(doc: unknown, document?: number): TypeRegistration {
  const obj = expectObject(doc, 'document', document);
  if (obj.apiVersion !== TYPE_CONFIG_API_VERSION || obj.kind !== 'FederatedTypeConfig') {
    throw new ValidationError(
      'apiVersion',
      `a FederatedTypeConfig must be ${TYPE_CONFIG_API_VERSION} FederatedTypeConfig, got ${String(obj.apiVersion)} ${String(obj.kind)}`,
      document,
    );
  }
  const spec = expectObject(obj.spec, 'spec', document);
  const target = expectObject(spec.targetType, 'spec.targetType', document);
  expectKnownKeys(target, ['group', 'version', 'kind', 'pluralName', 'scope'], 'spec.targetType', document);
  const group =
    target.group === undefined ? '' : expectString(target.group, 'spec.targetType.group', document);
  matchOrThrow(
    group,
    GROUP,
    'spec.targetType.group',
    'must be empty (core) or a DNS subdomain like apps or example.com',
    document,
  );
  const version = expectString(target.version, 'spec.targetType.version', document);
  matchOrThrow(
    version,
    VERSION,
    'spec.targetType.version',
    'must be a Kubernetes version like v1 or v1beta1',
    document,
  );
  const kind = expectString(target.kind, 'spec.targetType.kind', document);
  matchOrThrow(
    kind,
    KIND,
    'spec.targetType.kind',
    'must be a kind like Widget (letters and digits, upper-case first)',
    document,
  );
  const pluralName = expectString(target.pluralName, 'spec.targetType.pluralName', document);
  matchOrThrow(
    pluralName,
    PLURAL,
    'spec.targetType.pluralName',
    'must be a lower-case resource name like widgets',
    document,
  );
  const scope = expectString(target.scope, 'spec.targetType.scope', document);
  if (scope !== 'Namespaced' && scope !== 'Cluster') {
    throw new ValidationError(
      'spec.targetType.scope',
      `must be Namespaced or Cluster, got ${JSON.stringify(scope)}`,
      document,
    );
  }
  const federated = expectObject(spec.federatedType, 'spec.federatedType', document);
  const fedGroup = federated.group ?? FEDERATED_GROUP;
  const fedVersion = federated.version ?? FEDERATED_VERSION;
  if (fedGroup !== FEDERATED_GROUP || fedVersion !== FEDERATED_VERSION) {
    throw new ValidationError(
      'spec.federatedType',
      `must be in ${FEDERATED_API_VERSION} (the federated API this hub serves), got ${String(fedGroup)}/${String(fedVersion)}`,
      document,
    );
  }
  const federatedKind = expectString(federated.kind, 'spec.federatedType.kind', document);
  matchOrThrow(
    federatedKind,
    KIND,
    'spec.federatedType.kind',
    'must be a kind like FederatedWidget',
    document,
  );
  return { federatedKind, target: { group, version, kind }, namespaced: scope === 'Namespaced', pluralName };
}

function matchOrThrow(value: string, re: RegExp, field: string, reason: string, document?: number): void {
  if (!re.test(value)) throw new ValidationError(field, `${reason}, got ${JSON.stringify(value)}`, document);
}
