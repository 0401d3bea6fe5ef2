import type { StoredResource, TypeRegistration } from '../core/model.ts';
import type { Store } from '../store/store.ts';
import { createTypeRegistry, typeRegistrationFromTypeConfig, type TypeRegistry } from './core-port.ts';
import { TYPE_CONFIG_KIND } from './reconcile-slices.ts';

/**
 * The registry of federated kinds: the built-ins plus every stored FederatedTypeConfig, with
 * `replacing` standing in for stored configs of the same name (a batch being validated).
 */
export function loadRegistry(store: Store, replacing: StoredResource[] = []): TypeRegistry {
  const byName = new Map<string, StoredResource>();
  for (const r of store.resources.list({ kind: TYPE_CONFIG_KIND })) byName.set(`${r.namespace}/${r.name}`, r);
  for (const r of replacing) byName.set(`${r.namespace}/${r.name}`, r);
  const extra: TypeRegistration[] = [...byName.values()].map((r) => typeRegistrationFromTypeConfig(r.body));
  return createTypeRegistry(extra);
}
