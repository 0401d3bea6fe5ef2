/**
 * Maps a kind to its REST resource (plural name, namespaced or not) through the API server's
 * discovery documents, cached per group-version. A miss refreshes once (a CRD applied a moment
 * ago is served only after it is established).
 */
import { FedhubError } from '../../shared/errors.ts';
import { splitApiVersion } from '../../shared/object-key.ts';
import { KubeApiError, type KubeClient } from './kube-client.ts';

export interface ResourceInfo {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

/** The member does not serve this kind (yet): a CRD missing or not established. */
export class UnknownKindError extends FedhubError {
  readonly apiVersion: string;
  readonly kind: string;
  constructor(apiVersion: string, kind: string) {
    super(`the member does not serve ${kind} in ${apiVersion}`);
    this.apiVersion = apiVersion;
    this.kind = kind;
  }
}

interface ApiResourceList {
  resources?: Array<{ name: string; kind: string; namespaced: boolean }>;
}

/** Refetch a group-version whose lookup missed at most this often. */
const MISS_REFRESH_MS = 2_000;

export interface Discovery {
  resolve(apiVersion: string, kind: string): Promise<ResourceInfo>;
  /** Forgets what is cached for one apiVersion (a CRD was just established). */
  invalidate(apiVersion: string): void;
}

export function createDiscovery(kube: KubeClient): Discovery {
  const cache = new Map<string, { at: number; byKind: Map<string, ResourceInfo> }>();

  async function load(apiVersion: string): Promise<Map<string, ResourceInfo>> {
    const { group, version } = splitApiVersion(apiVersion);
    const path = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
    const byKind = new Map<string, ResourceInfo>();
    try {
      const list = await kube.request<ApiResourceList>('GET', path);
      for (const r of list.resources ?? []) {
        if (r.name.includes('/')) continue; // subresources
        byKind.set(r.kind, { group, version, kind: r.kind, plural: r.name, namespaced: r.namespaced });
      }
    } catch (err) {
      if (!(err instanceof KubeApiError && err.status === 404)) throw err;
    }
    cache.set(apiVersion, { at: Date.now(), byKind });
    return byKind;
  }

  return {
    async resolve(apiVersion, kind) {
      const hit = cache.get(apiVersion);
      let info = hit?.byKind.get(kind);
      if (!info && (!hit || Date.now() - hit.at > MISS_REFRESH_MS)) info = (await load(apiVersion)).get(kind);
      if (!info) throw new UnknownKindError(apiVersion, kind);
      return info;
    },
    invalidate(apiVersion) {
      cache.delete(apiVersion);
    },
  };
}

/** REST path of a collection or, with `name`, of one object. `namespace` '' lists across namespaces. */
export function toResourcePath(r: ResourceInfo, namespace: string, name?: string): string {
  const root = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  const ns = r.namespaced && namespace !== '' ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${root}${ns}/${r.plural}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;
}
