// Pins canonicalJson: sorted keys at every level, JSON.stringify's treatment of odd values, equal values give equal text.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './hash.ts';

describe('canonicalJson', () => {
  it.each<[string, unknown, string]>([
    [
      'keys are sorted at every level',
      { b: 1, a: { d: [{ z: 1, y: 2 }], c: null } },
      '{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}',
    ],
    ['array order is kept', [3, 1, 2], '[3,1,2]'],
    ['undefined members are omitted', { a: undefined, b: 1 }, '{"b":1}'],
    ['undefined inside an array is null', [undefined, 1], '[null,1]'],
    ['strings are escaped as JSON', { 'k"': 'a\nb' }, '{"k\\"":"a\\nb"}'],
    ['keys sort by code unit (upper case first)', { b: 1, B: 2, a: 3 }, '{"B":2,"a":3,"b":1}'],
    ['toJSON is honoured', { when: new Date(0) }, '{"when":"1970-01-01T00:00:00.000Z"}'],
    ['scalars are plain JSON', 'x', '"x"'],
    [
      'a shared (non-cyclic) object is written twice',
      (() => {
        const s = { a: 1 };
        return { x: s, y: s };
      })(),
      '{"x":{"a":1},"y":{"a":1}}',
    ],
  ])('%s', (_name, value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it('throws on a cycle and on bigint', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/cyclic/);
    expect(() => canonicalJson({ n: 1n })).toThrow(/bigint/);
  });

  it('gives the same text for values that differ only in key order, and parses back to an equal value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        const reversed = JSON.parse(JSON.stringify(value), (_k, v: unknown) =>
          v !== null && typeof v === 'object' && !Array.isArray(v)
            ? Object.fromEntries(Object.entries(v).reverse())
            : v,
        );
        expect(canonicalJson(reversed)).toBe(text);
      }),
    );
  });
});
