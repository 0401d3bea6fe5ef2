/**
 * Hub submission benchmark (not a test): `node --import tsx test/bench/hub-submit.ts [--clusters 10,100] [--objects 1000,5000] [--batch 100]`.
 *
 * For each (clusters M, objects N): a fresh hub database on disk (WAL, synchronous=FULL), M
 * registered clusters, then
 *  - submit: N FederatedConfigMaps placed on every cluster, applied in batches; docs/s and
 *    slice rows written/s;
 *  - re-apply unchanged: the same N documents again (no writes expected);
 *  - update all: every template changed, so all N x M member objects are rewritten;
 *  - relabel (no-op placement): one cluster label change that moves nothing, so every resource is
 *    recomputed and diffed but nothing is written;
 *  - relabel (moving): one cluster label change that drops that cluster from every placement,
 *    so N tombstones are written;
 *  - register: one more cluster joins and receives all N objects.
 * A change of one cluster recomputes only that cluster's part (no RSP here), so the relabel and
 * register columns grow with N, not with N x M.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '../../shared/logger.ts';
import { systemClock } from '../../hub/engine/clock.ts';
import { createEngine } from '../../hub/engine/engine.ts';
import { openStore } from '../../hub/store/store.ts';

const { values } = parseArgs({
  options: {
    clusters: { type: 'string', default: '10,100' },
    objects: { type: 'string', default: '1000,5000' },
    batch: { type: 'string', default: '100' },
  },
});
const clusterCounts = values.clusters.split(',').map(Number);
const objectCounts = values.objects.split(',').map(Number);
const batch = Number(values.batch);

const doc = (i: number, value: string) => `apiVersion: types.kubefed.io/v1beta1
kind: FederatedConfigMap
metadata: {name: cm-${i}, namespace: bench}
spec:
  template: {data: {index: "${i}", value: "${value}"}}
  placement: {clusterSelector: {matchExpressions: [{key: bench, operator: NotIn, values: [excluded]}]}}
`;

function timed<T>(fn: () => T): { ms: number; out: T } {
  const t0 = performance.now();
  const out = fn();
  return { ms: performance.now() - t0, out };
}

interface Row {
  clusters: number;
  objects: number;
  submitMs: number;
  docsPerS: number;
  rowsPerS: number;
  reapplyMs: number;
  updateMs: number;
  relabelNoopMs: number;
  registerMs: number;
  relabelMoveMs: number;
  dbRows: number;
}

function runCase(clusters: number, objects: number): Row {
  const dir = mkdtempSync(path.join(tmpdir(), 'fedhub-bench-'));
  const store = openStore(path.join(dir, 'fedhub.db'));
  try {
    const engine = createEngine(
      { store, clock: systemClock, log: createLogger({ level: 'silent' }) },
      {
        limits: { maxDocumentBytes: 1 << 20, maxDocuments: 10_000 },
        heartbeatIntervalMs: 5000,
        bootstrapTokenTtlMs: 3_600_000,
        bootstrapTokenMaxUses: clusters,
        tombstoneRetentionMs: 86_400_000,
      },
    );
    const { token } = engine.createBootstrapToken({ maxUses: clusters });
    for (let c = 0; c < clusters; c++) {
      engine.register({
        clusterName: `c${c}`,
        labels: { bench: 'yes' },
        facts: {},
        bootstrapToken: token,
        credential: undefined,
      });
    }
    const batchesOf = (value: string) => {
      const out: string[] = [];
      for (let i = 0; i < objects; i += batch) {
        out.push(
          Array.from({ length: Math.min(batch, objects - i) }, (_, j) => doc(i + j, value)).join('---\n'),
        );
      }
      return out;
    };
    const batches = batchesOf('v1');
    const before = store.totalChanges();
    const submit = timed(() => batches.forEach((b) => engine.apply(b)));
    const rows = store.totalChanges() - before;
    const reapply = timed(() => batches.forEach((b) => engine.apply(b)));
    if (store.totalChanges() - before !== rows) throw new Error('re-applying unchanged documents wrote rows');
    const updates = batchesOf('v2');
    const update = timed(() => updates.forEach((b) => engine.apply(b)));
    const noop = timed(() => engine.labelCluster('c0', { unrelated: 'x' }, true));
    const move = timed(() => engine.labelCluster('c0', { bench: 'excluded' }, true));
    const { token: extra } = engine.createBootstrapToken({});
    const register = timed(() =>
      engine.register({
        clusterName: 'late',
        labels: {},
        facts: {},
        bootstrapToken: extra,
        credential: undefined,
      }),
    );
    if (store.slices.listLive('late').length !== objects)
      throw new Error('new cluster did not get every object');
    const live = store.slices.listLive('c1').length;
    if (live !== objects || store.slices.listLive('c0').length !== 0)
      throw new Error('unexpected slice contents');
    return {
      clusters,
      objects,
      submitMs: submit.ms,
      docsPerS: objects / (submit.ms / 1000),
      rowsPerS: rows / (submit.ms / 1000),
      reapplyMs: reapply.ms,
      updateMs: update.ms,
      relabelNoopMs: noop.ms,
      registerMs: register.ms,
      relabelMoveMs: move.ms,
      dbRows: clusters * objects,
    };
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const results: Row[] = [];
for (const m of clusterCounts) {
  for (const n of objectCounts) {
    const r = runCase(m, n);
    results.push(r);
    console.error(`done: ${m} clusters x ${n} objects`);
  }
}
const fmt = (n: number) => n.toFixed(0);
const table = [
  [
    'clusters',
    'objects',
    'slice rows',
    'submit ms',
    'docs/s',
    'rows/s',
    're-apply ms',
    'update-all ms',
    'relabel no-op ms',
    'relabel move ms',
    'register ms',
  ],
  ...results.map((r) => [
    String(r.clusters),
    String(r.objects),
    String(r.dbRows),
    fmt(r.submitMs),
    fmt(r.docsPerS),
    fmt(r.rowsPerS),
    fmt(r.reapplyMs),
    fmt(r.updateMs),
    fmt(r.relabelNoopMs),
    fmt(r.relabelMoveMs),
    fmt(r.registerMs),
  ]),
];
const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
console.log(`batch size ${batch}; node ${process.version}; SQLite WAL, synchronous=FULL`);
for (const row of table) console.log(row.map((cell, c) => cell.padStart(widths[c]!)).join('  '));
