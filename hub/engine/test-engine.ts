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

export interface TestEngine {
  dir: string;
  store: Store;
  engine: Engine;
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
