// Pins the aggregate status (Propagation condition, lines, replica sums) and setCondition's transition-time rule.
import { describe, expect, it } from 'vitest';
import type { ConditionStatus } from '../../shared/vocabulary.ts';
import {
  aggregateStatus,
  setCondition,
  type ClusterStatusInput,
  type Condition,
} from './aggregate-status.ts';

describe('aggregateStatus', () => {
  it.each<[string, string[], ClusterStatusInput[], ConditionStatus, string, string]>([
    ['no placed clusters is True', [], [], 'True', 'Propagated', 'no clusters selected'],
    [
      'every placed cluster Ok is True',
      ['a', 'b'],
      [
        { cluster: 'a', status: 'Ok' },
        { cluster: 'b', status: 'Ok' },
      ],
      'True',
      'Propagated',
      'propagated to 2 cluster(s)',
    ],
    [
      'a placed cluster without a status is Pending, so Unknown',
      ['a', 'b'],
      [{ cluster: 'a', status: 'Ok' }],
      'Unknown',
      'Pending',
      'waiting for b',
    ],
    [
      'a failure wins over pending, with the first failing cluster by name',
      ['a', 'b', 'c'],
      [
        { cluster: 'c', status: 'UpdateFailed', message: 'conflict' },
        { cluster: 'b', status: 'CreationFailed', message: 'quota exceeded' },
      ],
      'False',
      'CreationFailed',
      'cluster b: CreationFailed: quota exceeded (and 1 more failing)',
    ],
    [
      'ClusterNotReady is a failure',
      ['a', 'b'],
      [
        { cluster: 'a', status: 'Ok' },
        { cluster: 'b', status: 'ClusterNotReady' },
      ],
      'False',
      'ClusterNotReady',
      'cluster b: ClusterNotReady',
    ],
    [
      'ApplyOverridesFailed is a failure with its message',
      ['a'],
      [{ cluster: 'a', status: 'ApplyOverridesFailed', message: 'override 0 (add /x/y): missing parent' }],
      'False',
      'ApplyOverridesFailed',
      'cluster a: ApplyOverridesFailed: override 0 (add /x/y): missing parent',
    ],
    [
      'an unplaced cluster still removing its object keeps it Unknown',
      ['a'],
      [
        { cluster: 'a', status: 'Ok' },
        { cluster: 'z', status: 'WaitingForRemoval' },
      ],
      'Unknown',
      'Pending',
      'waiting for z',
    ],
    [
      'an unplaced cluster failing to delete makes it False',
      ['a'],
      [
        { cluster: 'a', status: 'Ok' },
        { cluster: 'z', status: 'DeletionFailed', message: 'forbidden' },
      ],
      'False',
      'DeletionFailed',
      'cluster z: DeletionFailed: forbidden',
    ],
    [
      'an unplaced cluster still reporting Ok is ignored',
      ['a'],
      [
        { cluster: 'a', status: 'Ok' },
        { cluster: 'z', status: 'Ok' },
      ],
      'True',
      'Propagated',
      'propagated to 1 cluster(s)',
    ],
    [
      'a cluster with several statuses counts its worst',
      ['a'],
      [
        { cluster: 'a', status: 'Ok' },
        { cluster: 'a', status: 'UpdateFailed', message: 'm' },
        { cluster: 'a', status: 'Pending' },
      ],
      'False',
      'UpdateFailed',
      'cluster a: UpdateFailed: m',
    ],
  ])('%s', (_name, placed, statuses, status, reason, message) => {
    expect(aggregateStatus({ placed, statuses }).propagation).toEqual({
      type: 'Propagation',
      status,
      reason,
      message,
    });
  });

  it('lists one line per placed cluster plus unplaced non-Ok ones, sorted', () => {
    const result = aggregateStatus({
      placed: ['b', 'a'],
      statuses: [
        { cluster: 'b', status: 'Ok', message: '' },
        { cluster: 'z', status: 'WaitingForRemoval', message: 'deleting' },
        { cluster: 'y', status: 'Ok' },
      ],
    });
    expect(result.clusters).toEqual([
      { cluster: 'a', status: 'Pending', message: 'not reported yet' },
      { cluster: 'b', status: 'Ok', message: '' },
      { cluster: 'z', status: 'WaitingForRemoval', message: 'deleting' },
    ]);
  });

  it('sums replica counts over the listed clusters, only the fields someone reports', () => {
    const result = aggregateStatus({
      placed: ['a', 'b'],
      statuses: [
        { cluster: 'a', status: 'Ok', replicas: 2, readyReplicas: 2, availableReplicas: 1 },
        { cluster: 'b', status: 'Ok', replicas: 4, readyReplicas: 3 },
        { cluster: 'gone', status: 'Ok', replicas: 100 },
      ],
    });
    expect(result).toMatchObject({ replicas: 6, readyReplicas: 5, availableReplicas: 1 });
    expect(result.updatedReplicas).toBeUndefined();
  });

  it('has no replica fields for kinds without replicas', () => {
    const result = aggregateStatus({ placed: ['a'], statuses: [{ cluster: 'a', status: 'Ok' }] });
    expect(Object.keys(result).sort()).toEqual(['clusters', 'propagation']);
  });
});

describe('setCondition', () => {
  const t0 = '2026-01-01T00:00:00.000Z';
  const t1 = '2026-01-01T00:05:00.000Z';
  const ready = (
    status: ConditionStatus,
    reason = 'R',
    message = '',
  ): Omit<Condition, 'lastTransitionTime'> => ({
    type: 'Ready',
    status,
    reason,
    message,
  });

  it.each<[string, Condition[], Omit<Condition, 'lastTransitionTime'>, Condition[]]>([
    ['a new type is added with now', [], ready('True'), [{ ...ready('True'), lastTransitionTime: t1 }]],
    [
      'a status change moves the time',
      [{ ...ready('True'), lastTransitionTime: t0 }],
      ready('False', 'Down', 'no heartbeat'),
      [{ ...ready('False', 'Down', 'no heartbeat'), lastTransitionTime: t1 }],
    ],
    [
      'a reason or message change alone keeps the time',
      [{ ...ready('False', 'A'), lastTransitionTime: t0 }],
      ready('False', 'B', 'other'),
      [{ ...ready('False', 'B', 'other'), lastTransitionTime: t0 }],
    ],
    [
      'other types are left alone and keep their order',
      [
        { type: 'Other', status: 'True', reason: 'x', message: '', lastTransitionTime: t0 },
        { ...ready('True'), lastTransitionTime: t0 },
      ],
      ready('Unknown'),
      [
        { type: 'Other', status: 'True', reason: 'x', message: '', lastTransitionTime: t0 },
        { ...ready('Unknown'), lastTransitionTime: t1 },
      ],
    ],
  ])('%s', (_name, before, cond, expected) => {
    const copy = structuredClone(before);
    expect(setCondition(before, cond, t1)).toEqual(expected);
    expect(before).toEqual(copy);
  });

  it('returns the same array when nothing changed, so the caller can skip the write', () => {
    const before: Condition[] = [{ ...ready('True'), lastTransitionTime: t0, observedGeneration: 2 }];
    expect(setCondition(before, { ...ready('True'), observedGeneration: 2 }, t1)).toBe(before);
    expect(setCondition(before, { ...ready('True'), observedGeneration: 3 }, t1)).not.toBe(before);
  });
});
