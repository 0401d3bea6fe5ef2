// Pins kubefed placement: clusters list vs selector, nil vs empty, unknown names dropped, sorted output.
import { describe, expect, it } from 'vitest';
import type { ClusterInfo, Placement } from './model.ts';
import { computePlacement } from './placement.ts';

const clusters: ClusterInfo[] = [
  { name: 'west', labels: { region: 'west', tier: 'gold' }, ready: true },
  { name: 'east', labels: { region: 'east' }, ready: false },
  { name: 'central', labels: {}, ready: true },
];

describe('computePlacement', () => {
  it.each<[string, Placement | undefined, string[]]>([
    ['no placement selects nothing', undefined, []],
    ['an empty placement (no clusters, no selector) selects nothing', {}, []],
    [
      'an empty selector selects every cluster, ready or not',
      { clusterSelector: {} },
      ['central', 'east', 'west'],
    ],
    [
      'a selector selects the clusters whose labels match',
      { clusterSelector: { matchLabels: { region: 'east' } } },
      ['east'],
    ],
    [
      'matchLabels AND matchExpressions must both hold',
      {
        clusterSelector: {
          matchLabels: { region: 'west' },
          matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['gold'] }],
        },
      },
      [],
    ],
    [
      'an expression alone selects',
      { clusterSelector: { matchExpressions: [{ key: 'region', operator: 'DoesNotExist' }] } },
      ['central'],
    ],
    [
      'a clusters list selects exactly those names',
      { clusters: [{ name: 'west' }, { name: 'east' }] },
      ['east', 'west'],
    ],
    [
      'no clusters when clusters is [] even if the selector matches',
      { clusters: [], clusterSelector: {} },
      [],
    ],
    [
      'a clusters list wins over a selector that would select others',
      { clusters: [{ name: 'central' }], clusterSelector: { matchLabels: { region: 'west' } } },
      ['central'],
    ],
    ['unknown cluster names are dropped', { clusters: [{ name: 'mars' }, { name: 'east' }] }, ['east']],
    ['a name listed twice is selected once', { clusters: [{ name: 'east' }, { name: 'east' }] }, ['east']],
  ])('%s', (_name, placement, expected) => {
    expect(computePlacement(clusters, placement)).toEqual(expected);
  });

  it('selects nothing when there are no clusters', () => {
    expect(computePlacement([], { clusterSelector: {} })).toEqual([]);
  });
});
