// Pins the store's durable contract: schema migrations, hub identity, the revision counter, CHECK constraints and tombstone pruning.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALL_MIGRATIONS } from './open-database.ts';
import { openStore, type Store } from './store.ts';

let dir: string;
let store: Store;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'fedhub-store-'));
  store = openStore(path.join(dir, 'sub', 'fedhub.db'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const slice = (over: Partial<Parameters<Store['slices']['upsert']>[0]> = {}) => ({
  cluster: 'a',
  key: 'core/ConfigMap/web/cfg',
  source: 'FederatedConfigMap/web/cfg',
  revision: 1,
  deleted: false,
  manifest: '{}',
  hash: 'h',
  changedAt: 1000,
  ...over,
});

describe('store', () => {
  it('opens in WAL mode with synchronous=FULL and records applied migrations', () => {
    const raw = new Database(store.file, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      const versions = raw.prepare('SELECT version FROM schema_migrations').all();
      expect(versions).toEqual(
        ALL_MIGRATIONS.map((m) => ({ version: m.version })).sort((a, b) => a.version - b.version),
      );
    } finally {
      raw.close();
    }
  });

  it('keeps the hub identity and the revision counter across reopen', () => {
    const id = store.meta.hubId();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(store.transaction(() => store.meta.nextRevision())).toBe(1);
    expect(store.transaction(() => store.meta.nextRevision())).toBe(2);
    store.close();
    store = openStore(path.join(dir, 'sub', 'fedhub.db'));
    expect(store.meta.hubId()).toBe(id);
    expect(store.meta.revision()).toBe(2);
  });

  it.each([
    ['an unknown per-cluster status', "UPDATE object_status SET status = 'Fine'"],
    ['an unknown cluster health', "UPDATE clusters SET health = 'Sick'"],
    ['a tombstone that carries a manifest', 'UPDATE slice_objects SET deleted = 1'],
  ])('rejects %s through a CHECK constraint', (_name, sql) => {
    store.clusters.insert({ name: 'a', agentLabels: {}, facts: {}, credentialHash: 'x', registeredAt: 1 });
    store.slices.upsert(slice());
    store.status.upsert({
      cluster: 'a',
      key: 'core/ConfigMap/web/cfg',
      source: 'FederatedConfigMap/web/cfg',
      status: 'Ok',
      message: '',
      revision: 1,
      generation: 1,
      observedGeneration: 1,
      replicas: null,
      readyReplicas: null,
      availableReplicas: null,
      updatedReplicas: null,
      health: 'Healthy',
      conditions: [],
      driftCorrections: 0,
      unschedulableReplicas: 0,
      unschedulableSinceMs: 0,
      updatedAt: 1,
    });
    const raw = new Database(store.file);
    try {
      expect(() => raw.exec(sql)).toThrow(/CHECK constraint failed/);
    } finally {
      raw.close();
    }
  });

  it('lists a delta in revision order and prunes only old tombstones', () => {
    store.slices.upsert(slice({ key: 'core/ConfigMap/web/b', revision: 3 }));
    store.slices.upsert(slice({ key: 'core/ConfigMap/web/a', revision: 2, deleted: true, manifest: null }));
    store.slices.upsert(
      slice({ key: 'core/ConfigMap/web/c', revision: 4, deleted: true, manifest: null, changedAt: 5000 }),
    );
    expect(store.slices.listSince('a', 1).map((r) => r.revision)).toEqual([2, 3, 4]);
    expect(store.slices.listLive('a').map((r) => r.key)).toEqual(['core/ConfigMap/web/b']);
    expect(store.slices.pruneTombstones(2000)).toEqual({ pruned: 1, maxRevision: 2 });
    expect(store.slices.listSince('a', 0).map((r) => r.revision)).toEqual([3, 4]);
  });

  it('lists events newest last and prunes those before a horizon', () => {
    for (const at of [1000, 5000, 9000]) {
      store.events.record({ at, type: 'Normal', reason: 'Test', object: 'x', message: String(at) });
    }
    expect(store.events.list('x', 2).map((e) => e.at)).toEqual([5000, 9000]);
    expect(store.events.prune(6000)).toBe(2);
    expect(store.events.list().map((e) => e.at)).toEqual([9000]);
  });

  it('keeps nothing of a transaction that throws', () => {
    expect(() =>
      store.transaction(() => {
        store.meta.nextRevision();
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(store.meta.revision()).toBe(0);
  });
});
