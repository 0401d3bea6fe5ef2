// Pins the per-object decision: create, update, skip in steady state, correct drift, refuse objects the agent did not create, prune only what it owns.
import { describe, expect, it } from 'vitest';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../../shared/vocabulary.ts';
import {
  decideObject,
  isDrifted,
  toComparable,
  type DecideInput,
  type Decision,
  type LiveView,
} from './decide.ts';
import type { DesiredObject } from './desired-set.ts';
import { computeApplyIntent } from './intent.ts';

const desired: DesiredObject = {
  key: 'core/ConfigMap/web/cfg',
  revision: 4,
  hash: 'h4',
  source: 'FederatedConfigMap/web/cfg',
  manifest: {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cfg', namespace: 'web' },
    data: { a: '1' },
  },
};
const ledger = { apiVersion: 'v1', hash: 'h4', revision: 4, hubId: 'hub' };
const liveOurs: LiveView = {
  labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
  appliedByAgent: true,
  object: {
    ...computeApplyIntent(desired),
    metadata: { ...(computeApplyIntent(desired)['metadata'] as object), uid: 'u' },
  },
};
const liveForeign: LiveView = { labels: {}, appliedByAgent: false, object: desired.manifest };
const liveEdited: LiveView = { ...liveOurs, object: { ...liveOurs.object, data: { a: '2' } } };

const base: DecideInput = {
  desired,
  ledger,
  live: liveOurs,
  lastAppliedHash: 'h4',
  prunableHubIds: new Set(['hub']),
  adopt: false,
};

describe('decideObject', () => {
  it.each<[string, Partial<DecideInput>, Decision]>([
    ['an unchanged object that has not drifted is skipped', {}, { action: 'skip' }],
    [
      'a new desired object with nothing live is created',
      { ledger: undefined, live: undefined, lastAppliedHash: undefined },
      { action: 'apply', reason: 'create' },
    ],
    ['a new hash is applied as an update', { lastAppliedHash: 'h3' }, { action: 'apply', reason: 'update' }],
    [
      'an edit made by someone else is corrected as drift',
      { live: liveEdited },
      { action: 'apply', reason: 'drift' },
    ],
    [
      'an object deleted by someone else is recreated',
      { live: undefined },
      { action: 'apply', reason: 'recreate' },
    ],
    [
      'an existing object the agent did not create is left alone',
      { ledger: undefined, live: liveForeign },
      { action: 'alreadyExists' },
    ],
    [
      'an object with the managed-by label but no ledger entry is not taken over',
      { ledger: undefined, live: { ...liveForeign, labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE } } },
      { action: 'alreadyExists' },
    ],
    [
      'a foreign object is adopted when adoption is asked for',
      { ledger: undefined, live: liveForeign, adopt: true },
      { action: 'apply', reason: 'adopt' },
    ],
    [
      'an owned object whose managed-by label was removed is still ours via managedFields and is corrected',
      {
        live: {
          ...liveOurs,
          labels: {},
          object: { ...liveOurs.object, metadata: { name: 'cfg', namespace: 'web' } },
        },
      },
      { action: 'apply', reason: 'drift' },
    ],
    ['an owned object no longer desired is deleted', { desired: undefined }, { action: 'delete' }],
    [
      'a removed object that is already gone is forgotten',
      { desired: undefined, live: undefined },
      { action: 'forget' },
    ],
    [
      'a removed object without the managed-by label is forgotten, not deleted',
      { desired: undefined, live: { ...liveOurs, labels: {} } },
      { action: 'forget' },
    ],
    [
      'an object not in the ledger is never deleted',
      { desired: undefined, ledger: undefined, live: liveOurs },
      { action: 'skip' },
    ],
    [
      'an object owned under another hub identity is kept',
      { desired: undefined, ledger: { ...ledger, hubId: 'old-hub' } },
      { action: 'keep' },
    ],
    [
      'an implicit namespace is never pruned',
      { desired: undefined, ledger: { ...ledger, implicit: true } },
      { action: 'keep' },
    ],
  ])('%s', (_n, patch, expected) => {
    expect(decideObject({ ...base, ...patch })).toEqual(expected);
  });
});

describe('isDrifted', () => {
  it.each<[string, unknown, unknown, boolean]>([
    ['extra live fields are not drift', { a: 1 }, { a: 1, b: 2 }, false],
    ['a changed value is drift', { a: { b: 'x' } }, { a: { b: 'y' } }, true],
    ['a missing value is drift', { a: 1 }, {}, true],
    ['an empty desired map matches a missing field', { a: {} }, {}, false],
    ['an empty desired list matches a missing field', { a: [] }, {}, false],
    ['a list of another length is drift', { a: [1, 2] }, { a: [1] }, true],
    [
      'list elements compare as subsets',
      { c: [{ name: 'x' }] },
      { c: [{ name: 'x', imagePullPolicy: 'Always' }] },
      false,
    ],
    ['a number matches its string spelling', { port: 80 }, { port: '80' }, false],
    ['null in desired matches anything', { a: null }, { a: 5 }, false],
    ['a map where a scalar is live is drift', { a: { b: 1 } }, { a: 'x' }, true],
    ['a quantity matches its canonical spelling', { cpu: '0.5' }, { cpu: '500m' }, false],
    ['a different quantity is drift', { memory: '1Gi' }, { memory: '512Mi' }, true],
    ['version-like strings without a unit compare as strings', { v: '1.10' }, { v: '1.1' }, true],
    ['an empty desired string matches a missing field', { s: '' }, {}, false],
  ])('%s', (_n, d, l, expected) => {
    expect(isDrifted(d, l)).toBe(expected);
  });
});

describe('toComparable', () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    [
      "a Secret's stringData is compared as base64 data",
      { kind: 'Secret', data: { a: 'eA==' }, stringData: { b: 'héllo' } },
      { kind: 'Secret', data: { a: 'eA==', b: Buffer.from('héllo').toString('base64') } },
    ],
    [
      'other kinds are unchanged',
      { kind: 'ConfigMap', stringData: { b: 'x' } },
      { kind: 'ConfigMap', stringData: { b: 'x' } },
    ],
  ])('%s', (_n, intent, expected) => {
    expect(toComparable(intent)).toEqual(expected);
  });
});
