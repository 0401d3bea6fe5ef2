// Pins status change detection (only changed objects are reported) and the unschedulable pod count of a workload.
import { describe, expect, it } from 'vitest';
import { computeStatusDelta, computeUnschedulable, type ObjectStatusValue } from './object-status.ts';

const s = (key: string, patch: Partial<ObjectStatusValue> = {}): ObjectStatusValue => ({
  key,
  status: 'Ok',
  message: '',
  revision: 1,
  generation: 1,
  observedGeneration: 1,
  health: 'Healthy',
  conditions: [],
  driftCorrections: 0,
  unschedulableReplicas: 0,
  unschedulableSinceMs: 0,
  ...patch,
});
const m = (...xs: ObjectStatusValue[]) => new Map(xs.map((x) => [x.key, x]));

describe('computeStatusDelta', () => {
  it.each<[string, Map<string, ObjectStatusValue>, Map<string, ObjectStatusValue>, string[], string[]]>([
    ['nothing changed reports nothing', m(s('a')), m(s('a')), [], []],
    ['a new object is reported', m(), m(s('a')), ['a'], []],
    ['a changed field is reported', m(s('a'), s('b')), m(s('a', { readyReplicas: 2 }), s('b')), ['a'], []],
    ['a vanished object is reported as removed', m(s('a'), s('b')), m(s('b')), [], ['a']],
  ])('%s', (_n, before, after, changed, removed) => {
    const d = computeStatusDelta(before, after);
    expect(d.changed.map((x) => x.key)).toEqual(changed);
    expect(d.removed).toEqual(removed);
  });
});

describe('computeUnschedulable', () => {
  const pod = (reason: string, t: string, status = 'False') => ({
    status: { conditions: [{ type: 'PodScheduled', status, reason, lastTransitionTime: t }] },
  });
  it.each<[string, Array<Record<string, unknown>>, { count: number; sinceMs: number }]>([
    ['no pods, none unschedulable', [], { count: 0, sinceMs: 0 }],
    ['scheduled pods do not count', [pod('', '2026-01-01T00:00:00Z', 'True')], { count: 0, sinceMs: 0 }],
    [
      'unschedulable pods count, since the earliest',
      [pod('Unschedulable', '2026-01-01T00:00:10Z'), pod('Unschedulable', '2026-01-01T00:00:05Z')],
      { count: 2, sinceMs: Date.parse('2026-01-01T00:00:05Z') },
    ],
    [
      'other scheduling failures do not count',
      [pod('SchedulerError', '2026-01-01T00:00:00Z')],
      { count: 0, sinceMs: 0 },
    ],
  ])('%s', (_n, pods, expected) => {
    expect(computeUnschedulable(pods)).toEqual(expected);
  });
});
