// Pins how a slice is split into Sync messages: order kept, byte and count budgets respected, never zero chunks.
import { describe, expect, it } from 'vitest';
import type { SliceRow } from '../store/records.ts';
import { chunkSlice } from './chunk-slice.ts';

const row = (i: number, manifestBytes: number): SliceRow => ({
  cluster: 'a',
  key: `core/ConfigMap/ns/cm-${i}`,
  source: `FederatedConfigMap/ns/cm-${i}`,
  revision: i,
  deleted: manifestBytes === 0,
  manifest: manifestBytes === 0 ? null : 'x'.repeat(manifestBytes),
  hash: 'h',
  changedAt: 0,
});

describe('chunkSlice', () => {
  it.each([
    ['one empty chunk for no rows', [], { maxBytes: 1000, maxObjects: 10 }, [0]],
    ['one chunk when everything fits', [row(1, 10), row(2, 10)], { maxBytes: 10_000, maxObjects: 10 }, [2]],
    [
      'a new chunk at the object count',
      [1, 2, 3, 4, 5].map((i) => row(i, 1)),
      { maxBytes: 1e6, maxObjects: 2 },
      [2, 2, 1],
    ],
    [
      'a new chunk at the byte budget',
      [1, 2, 3].map((i) => row(i, 600)),
      { maxBytes: 1000, maxObjects: 10 },
      [1, 1, 1],
    ],
    [
      'an oversized object alone in its chunk',
      [row(1, 10), row(2, 5000), row(3, 10)],
      { maxBytes: 1000, maxObjects: 10 },
      [1, 1, 1],
    ],
    [
      'tombstones counted without a manifest',
      [1, 2, 3].map((i) => row(i, 0)),
      { maxBytes: 1000, maxObjects: 10 },
      [3],
    ],
  ])('makes %s', (_name, rows, limits, sizes) => {
    const chunks = chunkSlice(rows, limits);
    expect(chunks.map((c) => c.length)).toEqual(sizes);
    expect(chunks.flat().map((o) => o.revision)).toEqual(rows.map((r) => r.revision));
  });

  it('sends tombstones with an empty manifest and live objects as UTF-8 JSON bytes', () => {
    const [chunk] = chunkSlice([row(1, 0), { ...row(2, 1), manifest: '{"a":"é"}' }], {
      maxBytes: 1e6,
      maxObjects: 10,
    });
    expect(chunk![0]!.manifest.length).toBe(0);
    expect(chunk![1]!.manifest.toString('utf8')).toBe('{"a":"é"}');
  });
});
