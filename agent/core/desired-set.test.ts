// Pins how complete sync updates change the last known slice: snapshots replace, deltas patch, old changes never roll back.
import { describe, expect, it } from 'vitest';
import {
  computeNextDesired,
  emptyDesiredState,
  type DesiredState,
  type SliceChange,
  type SliceUpdate,
} from './desired-set.ts';

const up = (key: string, revision: number, hash = `h${revision}`): SliceChange => ({
  key,
  revision,
  deleted: false,
  hash,
  source: 'FederatedConfigMap/n/x',
  manifest: { kind: 'ConfigMap', metadata: { name: key } },
});
const tomb = (key: string, revision: number): SliceChange => ({
  key,
  revision,
  deleted: true,
  hash: '',
  source: '',
});

function state(hubId: string, revision: number, changes: SliceChange[]): DesiredState {
  return computeNextDesired(emptyDesiredState(), {
    kind: 'SNAPSHOT',
    hubId,
    fromRevision: 0,
    revision,
    changes,
  });
}
const keysOf = (s: DesiredState) => [...s.objects.keys()].sort();

describe('computeNextDesired', () => {
  it.each<[string, DesiredState, SliceUpdate, string[], number]>([
    [
      'a snapshot replaces every object, dropping those not in it',
      state('hub', 3, [up('a', 1), up('b', 2)]),
      { kind: 'SNAPSHOT', hubId: 'hub', fromRevision: 0, revision: 9, changes: [up('c', 9)] },
      ['c'],
      9,
    ],
    [
      'tombstones inside a snapshot are ignored',
      emptyDesiredState(),
      { kind: 'SNAPSHOT', hubId: 'hub', fromRevision: 0, revision: 4, changes: [up('a', 1), tomb('b', 4)] },
      ['a'],
      4,
    ],
    [
      'a delta upserts and removes',
      state('hub', 3, [up('a', 1), up('b', 2)]),
      { kind: 'DELTA', hubId: 'hub', fromRevision: 3, revision: 5, changes: [tomb('a', 4), up('c', 5)] },
      ['b', 'c'],
      5,
    ],
    [
      'a delta change older than the held object is ignored',
      state('hub', 7, [up('a', 7)]),
      { kind: 'DELTA', hubId: 'hub', fromRevision: 2, revision: 7, changes: [tomb('a', 3)] },
      ['a'],
      7,
    ],
    [
      'an empty snapshot empties the slice',
      state('hub', 3, [up('a', 1)]),
      { kind: 'SNAPSHOT', hubId: 'hub', fromRevision: 0, revision: 3, changes: [] },
      [],
      3,
    ],
  ])('%s', (_n, before, update, keys, revision) => {
    const after = computeNextDesired(before, update);
    expect(keysOf(after)).toEqual(keys);
    expect(after.revision).toBe(revision);
  });

  it('a snapshot from another hub takes that hub identity', () => {
    const after = computeNextDesired(state('old', 50, [up('a', 1)]), {
      kind: 'SNAPSHOT',
      hubId: 'new',
      fromRevision: 0,
      revision: 2,
      changes: [],
    });
    expect(after).toMatchObject({ hubId: 'new', revision: 2 });
  });

  it('does not modify the state it was given', () => {
    const before = state('hub', 1, [up('a', 1)]);
    computeNextDesired(before, {
      kind: 'DELTA',
      hubId: 'hub',
      fromRevision: 1,
      revision: 2,
      changes: [tomb('a', 2)],
    });
    expect(keysOf(before)).toEqual(['a']);
  });
});
