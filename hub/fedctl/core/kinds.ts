/**
 * Kind names as a user types them (case-insensitive; singular, plural or short), resolved to the
 * hub's kinds and their scope. Pure: the registrations come from the caller (built-ins plus the
 * FederatedTypeConfigs the hub holds).
 */
import type { TypeRegistration } from '../../core/model.ts';

export type KindScope = 'Namespaced' | 'Cluster' | 'Self';

/** A kind fedctl can address, with the names it answers to. */
export interface KindInfo {
  kind: string;
  /** Lower-case plural used in messages and `-o name`, e.g. federateddeployments. */
  plural: string;
  /** Namespaced; Cluster (no namespace); Self (FederatedNamespace: its namespace is its name). */
  scope: KindScope;
  /** The API group shown with the kind, e.g. types.kubefed.io. */
  group: string;
  /** Lower-case names it answers to, besides the kind and plural. */
  shortNames: string[];
}

export const CLUSTER_KIND = 'Cluster';
export const EVENT_KIND = 'Event';

/** kubectl's short names of target kinds; the federated kind answers to `f` + the short name. */
const TARGET_SHORT_NAMES: Record<string, string[]> = {
  Namespace: ['ns'],
  ConfigMap: ['cm'],
  Secret: ['secret'],
  Service: ['svc'],
  ServiceAccount: ['sa'],
  Deployment: ['deploy'],
  ReplicaSet: ['rs'],
  StatefulSet: ['sts'],
  DaemonSet: ['ds'],
  Job: ['job'],
  CronJob: ['cj'],
  Ingress: ['ing'],
  ClusterRole: ['cr'],
  ClusterRoleBinding: ['crb'],
  Role: ['role'],
  RoleBinding: ['rb'],
  CustomResourceDefinition: ['crd'],
};

const CONFIG_KINDS: KindInfo[] = [
  {
    kind: 'ReplicaSchedulingPreference',
    plural: 'replicaschedulingpreferences',
    scope: 'Namespaced',
    group: 'scheduling.kubefed.io',
    shortNames: ['rsp'],
  },
  {
    kind: 'FederatedTypeConfig',
    plural: 'federatedtypeconfigs',
    scope: 'Cluster',
    group: 'core.kubefed.io',
    shortNames: ['ftc'],
  },
  { kind: CLUSTER_KIND, plural: 'clusters', scope: 'Cluster', group: 'fedhub.io', shortNames: [] },
  { kind: EVENT_KIND, plural: 'events', scope: 'Cluster', group: 'fedhub.io', shortNames: ['ev'] },
];

function pluralOf(kind: string): string {
  const lower = kind.toLowerCase();
  if (/(s|x|ch|sh)$/.test(lower)) return `${lower}es`;
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

/** The KindInfo of a federated kind's registration. */
export function kindInfoOf(reg: TypeRegistration): KindInfo {
  const target = reg.target.kind;
  const plural = reg.pluralName ? `federated${reg.pluralName}` : pluralOf(reg.federatedKind);
  return {
    kind: reg.federatedKind,
    plural,
    scope:
      target === 'Namespace' && reg.target.group === '' ? 'Self' : reg.namespaced ? 'Namespaced' : 'Cluster',
    group: 'types.kubefed.io',
    shortNames: (TARGET_SHORT_NAMES[target] ?? []).map((s) => `f${s}`),
  };
}

export interface KindCatalog {
  /** The kind `name` means, or undefined. */
  resolve(name: string): KindInfo | undefined;
  /** Every kind, for help and suggestions. */
  list(): KindInfo[];
}

/** A catalog of the given federated registrations, the config kinds and clusters. */
export function createKindCatalog(registrations: readonly TypeRegistration[]): KindCatalog {
  const all = [...registrations.map(kindInfoOf), ...CONFIG_KINDS];
  const byName = new Map<string, KindInfo>();
  for (const info of all) {
    const names = [info.kind.toLowerCase(), info.plural, ...info.shortNames];
    // `kind.group` as kubectl accepts it, e.g. federateddeployments.types.kubefed.io.
    for (const n of [...names]) names.push(`${n}.${info.group}`);
    for (const n of names) if (!byName.has(n)) byName.set(n, info);
  }
  return {
    resolve: (name) => byName.get(name.trim().toLowerCase()),
    list: () => [...all],
  };
}

/** "federateddeployment/web": how kubectl names an object in its output. */
export function objectName(info: Pick<KindInfo, 'kind'>, name: string): string {
  return `${info.kind.toLowerCase()}/${name}`;
}

/** The namespace a kind's object lives in, given what the user asked for. */
export function namespaceFor(info: KindInfo, name: string, requested: string): string {
  if (info.scope === 'Cluster') return '';
  if (info.scope === 'Self') return name;
  return requested;
}

/** The object name the hub's events use: `Cluster/<name>` or `<Kind>/<namespace>/<name>`. */
export function eventObjectOf(info: KindInfo, name: string, requested: string): string {
  return info.kind === CLUSTER_KIND
    ? `Cluster/${name}`
    : `${info.kind}/${namespaceFor(info, name, requested)}/${name}`;
}
