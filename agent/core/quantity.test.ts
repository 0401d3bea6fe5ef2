// Pins quantity parsing and the summing of node allocatable reported in heartbeats.
import { describe, expect, it } from 'vitest';
import { formatQuantityMilli, parseQuantityMilli, sumQuantities } from './quantity.ts';

describe('parseQuantityMilli', () => {
  it.each([
    ['whole cores', '4', 4000n],
    ['millicores', '3500m', 3500n],
    ['binary suffixes', '1Ki', 1024_000n],
    ['decimal suffixes', '2k', 2_000_000n],
    ['fractions', '0.5', 500n],
    ['exponents', '1e3', 1_000_000n],
    ['negative values', '-1', -1000n],
  ])('parses %s', (_n, q, expected) => {
    expect(parseQuantityMilli(q)).toBe(expected);
  });

  it.each(['', 'abc', '1Xi', '1.2.3', '1e99'])('rejects %j', (q) => {
    expect(parseQuantityMilli(q)).toBeUndefined();
  });
});

describe('sumQuantities', () => {
  it.each([
    ['cpu of two nodes sums to whole cores', [{ cpu: '4' }, { cpu: '8' }], { cpu: '12' }],
    ['mixed units sum in milli-units', [{ cpu: '500m' }, { cpu: '1' }], { cpu: '1500m' }],
    [
      'memory with binary suffixes sums exactly',
      [{ memory: '1Gi' }, { memory: '1Gi' }],
      { memory: String(2 * 1024 ** 3) },
    ],
    ['unparseable values are skipped', [{ pods: '110', bad: 'x' }], { pods: '110' }],
    ['no nodes sum to nothing', [], {}],
  ])('%s', (_n, maps, expected) => {
    expect(sumQuantities(maps)).toEqual(expected);
  });

  it('formats a non-whole value in milli-units', () => {
    expect(formatQuantityMilli(1001n)).toBe('1001m');
  });
});
