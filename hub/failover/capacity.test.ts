// Pins capacity estimates from unschedulable pods and which clusters a workload plans over.
import { describe, expect, it } from 'vitest';
import { estimateCapacity } from './capacity.ts';
import { parseFailbackPolicy, selectPlanningClusters, type PlanningCluster } from './failback-policy.ts';

describe('estimateCapacity', () => {
  it.each([
    [
      'no limit while no pod is unschedulable',
      { sent: 5, unschedulableReplicas: 0, unschedulableSinceMs: null },
      100_000,
      {},
    ],
    [
      'no limit before the threshold',
      { sent: 5, unschedulableReplicas: 2, unschedulableSinceMs: 50_001 },
      110_000,
      {},
    ],
    [
      'limit at exactly the threshold',
      { sent: 5, unschedulableReplicas: 2, unschedulableSinceMs: 50_000 },
      110_000,
      { c1: 3 },
    ],
    ['never below zero', { sent: 1, unschedulableReplicas: 4, unschedulableSinceMs: 1 }, 110_000, { c1: 0 }],
  ])('%s', (_n, s, now, expected) => {
    expect(estimateCapacity([{ cluster: 'c1', ...s }], now, 60_000)).toEqual(expected);
  });
});

describe('selectPlanningClusters', () => {
  const clusters: PlanningCluster[] = [
    { name: 'c1', availability: 'Available', lastFailedOverMs: null },
    { name: 'c2', availability: 'Suspect', lastFailedOverMs: null },
    { name: 'c3', availability: 'Available', lastFailedOverMs: 5_000 },
    { name: 'c4', availability: 'FailedOver', lastFailedOverMs: 9_000 },
  ];
  it.each([
    [
      'automatic plans over every Available cluster and freezes the rest',
      'Automatic',
      null,
      ['c1', 'c3'],
      ['c2', 'c4'],
      [],
    ],
    [
      'manual holds back a cluster that failed over since the workload existed',
      'Manual',
      null,
      ['c1'],
      ['c2', 'c4'],
      ['c3'],
    ],
    [
      'manual plans over it again once failback is approved after the failover',
      'Manual',
      6_000,
      ['c1', 'c3'],
      ['c2', 'c4'],
      [],
    ],
    ['never holds it back', 'Never', null, ['c1'], ['c2', 'c4'], ['c3']],
  ] as const)('%s', (_n, policy, approvedMs, planned, frozen, heldBack) => {
    expect(selectPlanningClusters(clusters, { policy, createdMs: 1_000, approvedMs })).toEqual({
      planned,
      frozen,
      heldBack,
    });
  });
  it('a failover before the workload existed does not hold a cluster back', () => {
    expect(
      selectPlanningClusters(clusters, { policy: 'Manual', createdMs: 5_000, approvedMs: null }).planned,
    ).toEqual(['c1', 'c3']);
  });
});

describe('parseFailbackPolicy', () => {
  it.each([
    [undefined, 'Automatic'],
    ['manual', 'Manual'],
    ['Never', 'Never'],
    ['sometimes', undefined],
    [3, undefined],
  ])('%s -> %s', (v, expected) => expect(parseFailbackPolicy(v)).toBe(expected));
});
