/**
 * The ownership ledger, kept in the member itself as ConfigMaps `fedhub-ledger-<n>` in the
 * agent's namespace: what the agent applied, with which content hash and revision, under which
 * hub identity. Held in memory; `flush` writes only the shards that changed.
 */
import type { LedgerEntry } from '../core/decide.ts';
import { computeLedgerShards, parseLedgerShards } from '../core/ledger-shards.ts';
import type { MemberObjects } from './objects.ts';

export const LEDGER_LABEL = 'fedhub.io/ledger';
const LEDGER_PREFIX = 'fedhub-ledger-';
const DATA_KEY = 'entries.json';

export interface Ledger {
  entries(): ReadonlyMap<string, LedgerEntry>;
  get(key: string): LedgerEntry | undefined;
  set(key: string, entry: LedgerEntry): void;
  delete(key: string): void;
  /** Writes changed shards (server-side apply) and deletes shards no longer used. */
  flush(signal?: AbortSignal): Promise<void>;
}

function shardObject(namespace: string, index: number, content: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: `${LEDGER_PREFIX}${index}`,
      namespace,
      labels: { [LEDGER_LABEL]: 'true' },
    },
    data: { [DATA_KEY]: content },
  };
}

/** Reads the ledger from the member, creating the agent namespace when it is missing. */
export async function loadLedger(objects: MemberObjects, namespace: string): Promise<Ledger> {
  const ns = await objects.get({ apiVersion: 'v1', kind: 'Namespace', namespace: '', name: namespace });
  if (!ns) {
    await objects.apply(
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
      { force: false },
    );
  }
  const list = await objects.list('v1', 'ConfigMap', namespace, `${LEDGER_LABEL}=true`);
  const written = new Map<number, string>();
  for (const cm of list.items) {
    const name = String((cm['metadata'] as Record<string, unknown>)['name'] ?? '');
    const index = Number(name.slice(LEDGER_PREFIX.length));
    const data = (cm['data'] ?? {}) as Record<string, string>;
    if (name.startsWith(LEDGER_PREFIX) && Number.isInteger(index) && index >= 0)
      written.set(index, data[DATA_KEY] ?? '{}');
  }
  const entries = parseLedgerShards([...written.values()]);

  return {
    entries: () => entries,
    get: (key) => entries.get(key),
    set: (key, entry) => void entries.set(key, entry),
    delete: (key) => void entries.delete(key),
    async flush(signal) {
      const shards = computeLedgerShards(entries);
      for (const [i, content] of shards.entries()) {
        if (written.get(i) === content) continue;
        await objects.apply(shardObject(namespace, i, content), { force: true, signal });
        written.set(i, content);
      }
      for (const i of [...written.keys()].filter((i) => i >= shards.length)) {
        await objects.delete(
          { apiVersion: 'v1', kind: 'ConfigMap', namespace, name: `${LEDGER_PREFIX}${i}` },
          signal,
        );
        written.delete(i);
      }
    },
  };
}
