/**
 * Identities of objects. A member object is keyed by group, kind, namespace and name (never by
 * version: the same object served at two versions is one object). A federated resource is keyed
 * by its kind, namespace and name.
 */

export interface ObjectRef {
  /** API group; '' for the core group. */
  group: string;
  kind: string;
  /** '' for cluster-scoped objects. */
  namespace: string;
  name: string;
}

/** "<group or core>/<Kind>/<namespace>/<name>", e.g. "apps/Deployment/web/frontend", "core/Namespace//web". */
export function toObjectKey(ref: ObjectRef): string {
  return `${ref.group === '' ? 'core' : ref.group}/${ref.kind}/${ref.namespace}/${ref.name}`;
}

export function fromObjectKey(key: string): ObjectRef {
  const parts = key.split('/');
  if (parts.length !== 4 || parts.some((p, i) => p === '' && i !== 2)) {
    throw new Error(`malformed object key ${JSON.stringify(key)}`);
  }
  const [group, kind, namespace, name] = parts as [string, string, string, string];
  return { group: group === 'core' ? '' : group, kind, namespace, name };
}

/** Splits an apiVersion into group and version: "apps/v1" -> ["apps", "v1"], "v1" -> ["", "v1"]. */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** "<FederatedKind>/<namespace>/<name>" of a federated resource. */
export function toSourceKey(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}
