/**
 * An engine on a real SQLite file in a temp directory with an injectable clock, and clusters
 * registered with a bootstrap token: what the engine's tests start from.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '../../shared/logger.ts';
import { openStore, type Store } from '../store/store.ts';
import { createEngine, type Engine } from './engine.ts';
import type { ObjectStatusInput } from './status-writes.ts';

export interface TestEngine {
  dir: string;
  store: Store;
  engine: Engine;
  /** Reports `key` in `cluster` as its agent would: Ok at the slice's current revision, with `over` laid on top. */
  report(cluster: string, key: string, over?: Partial<ObjectStatusInput>): void;
  /** Closes the store and opens the same database again with a new engine (a hub restart). */
  reopen(): void;
  close(): void;
}

export function openTestEngine(opts: { prefix: string; now: () => number; clusters?: string[] }): TestEngine {
  const dir = mkdtempSync(path.join(tmpdir(), `fedhub-${opts.prefix}-`));
  const open = () => {
    const store = openStore(path.join(dir, 'fedhub.db'));
    const engine = createEngine(
      { store, clock: { now: opts.now }, log: createLogger({ level: 'silent' }) },
      {
        limits: { maxDocumentBytes: 1 << 20, maxDocuments: 100 },
        heartbeatIntervalMs: 5_000,
        bootstrapTokenTtlMs: 60_000,
        bootstrapTokenMaxUses: 2,
        tombstoneRetentionMs: 600_000,
      },
    );
    return { store, engine };
  };
  const t: TestEngine = {
    dir,
    ...open(),
    report: (cluster, key, over = {}) => {
      const revision = t.store.slices.get(cluster, key)!.revision;
      t.engine.reportStatus(t.store.clusters.get(cluster)!, {
        appliedRevision: revision,
        removed: [],
        objects: [
          {
            key,
            status: 'Ok',
            message: '',
            revision,
            generation: 1,
            observedGeneration: 1,
            health: 'Healthy',
            conditions: [],
            driftCorrections: 0,
            unschedulableReplicas: 0,
            unschedulableSinceMs: 0,
            ...over,
          },
        ],
      });
    },
    reopen: () => {
      t.store.close();
      Object.assign(t, open());
    },
    close: () => {
      t.store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  const clusters = opts.clusters ?? [];
  if (clusters.length > 0) {
    const { token } = t.engine.createBootstrapToken({ maxUses: clusters.length });
    for (const clusterName of clusters) {
      t.engine.register({ clusterName, labels: {}, facts: {}, bootstrapToken: token, credential: undefined });
    }
  }
  return t;
}
