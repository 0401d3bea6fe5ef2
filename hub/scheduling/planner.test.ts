// Pins planReplicas to kubefed's planner rules: order, minimums, top-ups, rounds, caps and overflow.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../shared/errors.ts';
import { planReplicas, type PlanInput } from './planner.ts';

// An independent FNV-1 32-bit from the published constants: multiply by the prime, then xor.
function referenceFnv1(text: string): number {
  let h = 2166136261;
  for (const byte of new TextEncoder().encode(text)) {
    h = Number((BigInt(h) * 16777619n) % 4294967296n) ^ byte;
    h >>>= 0;
  }
  return h;
}
/** Equal-weight clusters in the order the planner must visit them. */
const hashOrder = (names: string[], key: string) =>
  [...names].sort((a, b) => referenceFnv1(a + key) - referenceFnv1(b + key));

const base = { rebalance: false, key: 'default/web' };

describe('planReplicas', () => {
  it('relies on keys whose hash order differs from name order (precondition)', () => {
    expect(hashOrder(['c1', 'c3'], 'default/web')).toEqual(['c3', 'c1']);
    expect(hashOrder(['c1', 'c3'], 'shop/cart')).toEqual(['c1', 'c3']);
    expect(hashOrder(['c1', 'c2', 'c3'], 'default/web')).toEqual(['c3', 'c1', 'c2']);
  });

  const [first, second, third] = hashOrder(['c1', 'c2', 'c3'], 'default/web') as [string, string, string];
  const [minFirst, minSecond] = hashOrder(['c1', 'c2'], 'shop/cart') as [string, string];

  it.each<[string, PlanInput, Record<string, number>, Record<string, number>]>([
    [
      'a cluster with no preference and no "*" gets 0 and takes no part',
      { ...base, totalReplicas: 5, preferences: { a: { weight: 1 } }, clusters: ['a', 'b'] },
      { a: 5, b: 0 },
      {},
    ],
    [
      '"*" applies to clusters without their own entry',
      {
        ...base,
        totalReplicas: 8,
        preferences: { '*': { weight: 1 }, a: { weight: 3 } },
        clusters: ['a', 'b'],
      },
      { a: 6, b: 2 },
      {},
    ],
    [
      'a named preference wins over "*" (a is not given the "*" minimum)',
      {
        ...base,
        totalReplicas: 4,
        preferences: { '*': { minReplicas: 3, weight: 1 }, a: { weight: 0 } },
        clusters: ['a', 'b'],
      },
      { a: 0, b: 4 },
      {},
    ],
    [
      'equal weights share rounding up, in the order only the FNV-1 hash decides',
      { ...base, totalReplicas: 10, preferences: { '*': { weight: 1 } }, clusters: ['c1', 'c2', 'c3'] },
      { [first]: 4, [second]: 4, [third]: 2 },
      {},
    ],
    [
      'min above remaining: the heavier cluster gets its minimum first',
      {
        ...base,
        totalReplicas: 3,
        preferences: { a: { minReplicas: 2, weight: 2 }, b: { minReplicas: 2, weight: 1 } },
        clusters: ['b', 'a'],
      },
      { a: 2, b: 1 },
      {},
    ],
    [
      'min above remaining among equal weights: the lower FNV-1 hash gets its minimum first',
      {
        ...base,
        key: 'shop/cart',
        totalReplicas: 3,
        preferences: { '*': { minReplicas: 2, weight: 1 } },
        clusters: ['c2', 'c1'],
      },
      { [minFirst]: 2, [minSecond]: 1 },
      {},
    ],
    [
      'maxReplicas caps a cluster and the rest goes to the others in a later round',
      {
        ...base,
        totalReplicas: 10,
        preferences: { a: { weight: 3, maxReplicas: 2 }, b: { weight: 1 } },
        clusters: ['a', 'b'],
      },
      { a: 2, b: 8 },
      {},
    ],
    [
      'maxReplicas is not applied to the minimum; a round clamps it and gives the excess back',
      {
        ...base,
        totalReplicas: 5,
        preferences: { a: { minReplicas: 4, maxReplicas: 2, weight: 2 }, b: { weight: 1 } },
        clusters: ['a', 'b'],
      },
      { a: 2, b: 3 },
      {},
    ],
    [
      'capacity caps a share and, with rebalance, the excess is reported as overflow',
      {
        ...base,
        rebalance: true,
        totalReplicas: 10,
        preferences: { a: { weight: 2 }, b: { weight: 1 } },
        clusters: ['a', 'b'],
        estimatedCapacity: { a: 3 },
      },
      { a: 3, b: 7 },
      { a: 4 },
    ],
    [
      'without rebalance an overflow is dropped when everything was placed elsewhere',
      {
        ...base,
        totalReplicas: 10,
        preferences: { a: { weight: 2 }, b: { weight: 1 } },
        clusters: ['a', 'b'],
        estimatedCapacity: { a: 3 },
      },
      { a: 3, b: 7 },
      {},
    ],
    [
      'without rebalance an overflow is cut to what stayed unplaced',
      {
        ...base,
        totalReplicas: 10,
        preferences: { a: { weight: 2 }, b: { weight: 1, maxReplicas: 5 } },
        clusters: ['a', 'b'],
        estimatedCapacity: { a: 1 },
      },
      { a: 1, b: 5 },
      { a: 4 },
    ],
    [
      'with rebalance the same overflow is kept whole',
      {
        ...base,
        rebalance: true,
        totalReplicas: 10,
        preferences: { a: { weight: 2 }, b: { weight: 1, maxReplicas: 5 } },
        clusters: ['a', 'b'],
        estimatedCapacity: { a: 1 },
      },
      { a: 1, b: 5 },
      { a: 6 },
    ],
    [
      'capacity also caps the minimum',
      {
        ...base,
        rebalance: true,
        totalReplicas: 5,
        preferences: { a: { minReplicas: 4, weight: 1 }, b: { weight: 0 } },
        clusters: ['a', 'b'],
        estimatedCapacity: { a: 2 },
      },
      { a: 2, b: 0 },
      { a: 3 },
    ],
    [
      'all-zero weights place only the minimums',
      {
        ...base,
        totalReplicas: 10,
        preferences: { a: { minReplicas: 2 }, b: { minReplicas: 1, weight: 0 } },
        clusters: ['a', 'b'],
      },
      { a: 2, b: 1 },
      {},
    ],
    [
      'without rebalance a cluster keeps its current replicas and the rest is shared',
      {
        ...base,
        totalReplicas: 6,
        preferences: { '*': { weight: 1 } },
        clusters: ['a', 'b'],
        currentReplicas: { a: 5 },
      },
      { a: 5, b: 1 },
      {},
    ],
    [
      'with rebalance current replicas are ignored',
      {
        ...base,
        rebalance: true,
        totalReplicas: 6,
        preferences: { '*': { weight: 1 } },
        clusters: ['a', 'b'],
        currentReplicas: { a: 5 },
      },
      { a: 3, b: 3 },
      {},
    ],
    [
      'without rebalance the top-up stops at maxReplicas',
      {
        ...base,
        totalReplicas: 6,
        preferences: { '*': { weight: 1 }, a: { weight: 1, maxReplicas: 4 } },
        clusters: ['a', 'b'],
        currentReplicas: { a: 5 },
      },
      { a: 4, b: 2 },
      {},
    ],
    [
      'zero total replicas gives every cluster 0',
      {
        ...base,
        totalReplicas: 0,
        preferences: { '*': { minReplicas: 2, weight: 1 } },
        clusters: ['a', 'b'],
      },
      { a: 0, b: 0 },
      {},
    ],
    [
      'no clusters gives an empty plan',
      { ...base, totalReplicas: 3, preferences: { '*': { weight: 1 } }, clusters: [] },
      {},
      {},
    ],
  ])('%s', (_name, input, plan, overflow) => {
    expect(planReplicas(input)).toEqual({ plan, overflow });
  });

  // The scenario kubefed users reported (issue 6): the hash order of c1 and c3 decides who gets the spare replica.
  const issue6 = {
    totalReplicas: 6,
    preferences: {
      c1: { minReplicas: 2, maxReplicas: 3, weight: 1 },
      c2: { minReplicas: 2, maxReplicas: 5, weight: 2 },
      c3: { weight: 1 },
    },
  };
  it.each<[string, Omit<PlanInput, 'totalReplicas' | 'preferences'>, Record<string, number>]>([
    [
      'over c1, c2, c3 with key default/web (c3 hashes before c1) c3 gets the spare replica',
      { rebalance: false, key: 'default/web', clusters: ['c1', 'c2', 'c3'] },
      { c1: 2, c2: 3, c3: 1 },
    ],
    [
      'over c1, c2, c3 with key shop/cart (c1 hashes before c3) c1 fills to its max and c3 gets 0',
      { rebalance: false, key: 'shop/cart', clusters: ['c1', 'c2', 'c3'] },
      { c1: 3, c2: 3, c3: 0 },
    ],
    [
      'over c1, c2 (c3 away) c2 takes the remainder',
      { rebalance: false, key: 'default/web', clusters: ['c1', 'c2'] },
      { c1: 2, c2: 4 },
    ],
    [
      'c3 back, rebalance false, current counts from the outage: c3 stays at 0 (the reported bug)',
      {
        rebalance: false,
        key: 'default/web',
        clusters: ['c1', 'c2', 'c3'],
        currentReplicas: { c1: 2, c2: 4 },
      },
      { c1: 2, c2: 4, c3: 0 },
    ],
    [
      'c3 back, rebalance true: the plan returns to the one without current counts',
      {
        rebalance: true,
        key: 'default/web',
        clusters: ['c1', 'c2', 'c3'],
        currentReplicas: { c1: 2, c2: 4 },
      },
      { c1: 2, c2: 3, c3: 1 },
    ],
  ])('issue 6: %s', (_name, rest, plan) => {
    expect(planReplicas({ ...issue6, ...rest })).toEqual({ plan, overflow: {} });
  });

  it.each<[string, Partial<PlanInput>, string]>([
    ['a negative total', { totalReplicas: -1 }, 'totalReplicas'],
    ['a fractional weight', { preferences: { a: { weight: 0.5 } } }, 'preferences["a"].weight'],
    ['a negative maxReplicas', { preferences: { a: { maxReplicas: -2 } } }, 'preferences["a"].maxReplicas'],
    [
      'a preference that is not an object',
      { preferences: { a: null as unknown as object } },
      'preferences["a"]',
    ],
    ['a cluster listed twice', { clusters: ['a', 'a'] }, 'clusters[1]'],
    ['a negative capacity', { estimatedCapacity: { a: -1 } }, 'estimatedCapacity["a"]'],
    ['a non-integer current count', { currentReplicas: { a: 1.5 } }, 'currentReplicas["a"]'],
  ])('rejects %s naming the field', (_name, patch, field) => {
    const input = { ...base, totalReplicas: 3, preferences: { a: { weight: 1 } }, clusters: ['a'], ...patch };
    expect(() => planReplicas(input)).toThrow(ValidationError);
    expect(() => planReplicas(input)).toThrow(expect.objectContaining({ field }));
  });

  it('never places more than the total, lists every cluster, and places all when nothing caps', () => {
    const name = fc.constantFrom('a', 'b', 'c', 'd', 'e');
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 50 }),
        fc.uniqueArray(name, { maxLength: 5 }),
        fc.dictionary(name, fc.record({ minReplicas: fc.nat(6), weight: fc.nat(4) })),
        fc.boolean(),
        (totalReplicas, clusters, preferences, rebalance) => {
          const { plan } = planReplicas({ totalReplicas, clusters, preferences, rebalance, key: 'ns/x' });
          const sum = Object.values(plan).reduce((s, n) => s + n, 0);
          expect(Object.keys(plan).sort()).toEqual([...clusters].sort());
          expect(sum).toBeLessThanOrEqual(totalReplicas);
          if (clusters.some((c) => (preferences[c]?.weight ?? 0) > 0)) expect(sum).toBe(totalReplicas);
        },
      ),
    );
  });
});
