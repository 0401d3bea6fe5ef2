// Pins the ledger's ConfigMap layout: round trip, sharding under a size bound, and tolerance of damaged shards.
import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from './decide.ts';
import { computeLedgerShards, parseLedgerShards } from './ledger-shards.ts';

const entry = (i: number): LedgerEntry => ({
  apiVersion: 'v1',
  hash: `hash-${i}`.padEnd(64, '0'),
  revision: i,
  hubId: 'hub',
});
const ledgerOf = (n: number) =>
  new Map<string, LedgerEntry>(
    Array.from({ length: n }, (_, i) => [`core/ConfigMap/ns/cm-${i}`, entry(i)] as const),
  );

describe('computeLedgerShards', () => {
  it.each([
    ['an empty ledger is one empty shard', 0, 1_000, 1],
    ['a small ledger fits one shard', 3, 100_000, 1],
    ['a large ledger is split into a power of two of shards', 2_000, 20_000, 16],
  ])('%s', (_n, count, bytes, shards) => {
    expect(computeLedgerShards(ledgerOf(count), bytes)).toHaveLength(shards);
  });

  it('every shard stays within twice the target size', () => {
    const shards = computeLedgerShards(ledgerOf(2_000), 20_000);
    expect(Math.max(...shards.map((s) => s.length))).toBeLessThanOrEqual(40_000);
  });

  it.each([1, 50, 2_000])('%i entries survive a round trip', (n) => {
    const ledger = ledgerOf(n);
    ledger.set('core/Namespace//web', { ...entry(1), implicit: true });
    expect(parseLedgerShards(computeLedgerShards(ledger, 20_000))).toEqual(ledger);
  });

  it('a change to one entry changes one shard', () => {
    const a = ledgerOf(2_000);
    const before = computeLedgerShards(a, 20_000);
    a.set('core/ConfigMap/ns/cm-7', { ...entry(7), hash: 'other' });
    const after = computeLedgerShards(a, 20_000);
    expect(after.filter((s, i) => s !== before[i])).toHaveLength(1);
  });
});

describe('parseLedgerShards', () => {
  it.each([
    [
      'a shard that is not JSON is skipped',
      ['{not json', '{"k":{"apiVersion":"v1","hash":"h","revision":1,"hubId":"x"}}'],
      1,
    ],
    ['an entry missing fields is dropped', ['{"k":{"hash":"h"}}'], 0],
    ['a shard that is not an object is skipped', ['[1,2]', 'null'], 0],
  ])('%s', (_n, contents, size) => {
    expect(parseLedgerShards(contents).size).toBe(size);
  });
});
