// Pins canonical JSON (sorted keys, no whitespace) and the sharding hash used by the ledger.
import { describe, expect, it } from 'vitest';
import { canonicalJson, computeFnv1a } from './canonical-json.ts';

describe('canonicalJson', () => {
  it.each([
    [
      'keys are sorted at every depth',
      { b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } },
      '{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}',
    ],
    ['undefined members are dropped like JSON.stringify does', { a: undefined, b: 'x' }, '{"b":"x"}'],
    ['strings are escaped', { 'k"': 'v\n' }, '{"k\\"":"v\\n"}'],
    ['a bare primitive serialises as JSON', 5, '5'],
  ])('%s', (_n, value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it('two objects with the same content in another key order serialise the same', () => {
    expect(canonicalJson({ x: 1, y: [2, 3] })).toBe(canonicalJson({ y: [2, 3], x: 1 }));
  });
});

describe('computeFnv1a', () => {
  it.each([
    ['the empty string hashes to the offset basis', '', 0x811c9dc5],
    ['"a" hashes to the published FNV-1a value', 'a', 0xe40c292c],
  ])('%s', (_n, s, expected) => {
    expect(computeFnv1a(s)).toBe(expected);
  });
});
