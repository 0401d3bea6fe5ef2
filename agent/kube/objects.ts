/**
 * Reads and writes of member objects. Every write of content is a server-side apply under the
 * agent's one field manager (`applyObject`); the only other write is a delete.
 */
import { FIELD_MANAGER } from '../../shared/vocabulary.ts';
import { createDiscovery, toResourcePath, type Discovery, type ResourceInfo } from './discovery.ts';
import { KubeApiError, type KubeClient } from './kube-client.ts';

type Obj = Record<string, unknown>;

export interface ObjectCoords {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
}

export interface ObjectList {
  items: Obj[];
  resourceVersion: string;
}

export interface MemberObjects {
  readonly kube: KubeClient;
  readonly discovery: Discovery;
  resolve(apiVersion: string, kind: string): Promise<ResourceInfo>;
  /** The live object, or undefined when it does not exist. */
  get(c: ObjectCoords, signal?: AbortSignal): Promise<Obj | undefined>;
  /**
   * Server-side apply of `obj` (apiVersion, kind, metadata.name[, namespace]). `force` takes
   * conflicting fields from other managers; use it only for objects the agent owns.
   */
  apply(obj: Obj, opts: { force: boolean; signal?: AbortSignal }): Promise<Obj>;
  /** Deletes with background propagation; a missing object is not an error. */
  delete(c: ObjectCoords, signal?: AbortSignal): Promise<void>;
  list(apiVersion: string, kind: string, namespace: string, labelSelector?: string): Promise<ObjectList>;
}

export function toCoords(obj: Obj): ObjectCoords {
  const md = (obj['metadata'] ?? {}) as Obj;
  return {
    apiVersion: String(obj['apiVersion'] ?? ''),
    kind: String(obj['kind'] ?? ''),
    namespace: typeof md['namespace'] === 'string' ? md['namespace'] : '',
    name: String(md['name'] ?? ''),
  };
}

export function createMemberObjects(kube: KubeClient): MemberObjects {
  const discovery = createDiscovery(kube);
  return {
    kube,
    discovery,
    resolve: (apiVersion, kind) => discovery.resolve(apiVersion, kind),
    async get(c, signal) {
      const r = await discovery.resolve(c.apiVersion, c.kind);
      try {
        return await kube.request('GET', toResourcePath(r, c.namespace, c.name), { signal });
      } catch (err) {
        if (err instanceof KubeApiError && err.status === 404) return undefined;
        throw err;
      }
    },
    async apply(obj, opts) {
      const c = toCoords(obj);
      const r = await discovery.resolve(c.apiVersion, c.kind);
      return kube.request('PATCH', toResourcePath(r, c.namespace, c.name), {
        body: obj,
        contentType: 'application/apply-patch+yaml',
        query: { fieldManager: FIELD_MANAGER, force: opts.force },
        signal: opts.signal,
      });
    },
    async delete(c, signal) {
      const r = await discovery.resolve(c.apiVersion, c.kind);
      try {
        await kube.request('DELETE', toResourcePath(r, c.namespace, c.name), {
          body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' },
          signal,
        });
      } catch (err) {
        if (!(err instanceof KubeApiError && err.status === 404)) throw err;
      }
    },
    async list(apiVersion, kind, namespace, labelSelector) {
      const r = await discovery.resolve(apiVersion, kind);
      const res = await kube.request<{ items?: Obj[]; metadata?: { resourceVersion?: string } }>(
        'GET',
        toResourcePath(r, namespace),
        { query: { labelSelector } },
      );
      return { items: res.items ?? [], resourceVersion: res.metadata?.resourceVersion ?? '' };
    },
  };
}
