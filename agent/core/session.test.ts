// Pins the hub session reducer: register, resume from the applied revision, join chunks, detect gaps, back off.
import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF } from './backoff.ts';
import { initialSession, step, type SessionEvent, type SessionState, type SyncMessageIn } from './session.ts';

const ctx = { backoff: DEFAULT_BACKOFF, random: () => 0 };

function run(state: SessionState, events: SessionEvent[]) {
  let s = state;
  const effects = [];
  for (const e of events) {
    const r = step(s, e, ctx);
    s = r.state;
    effects.push(...r.effects);
  }
  return { state: s, effects };
}

const msg = (m: Partial<SyncMessageIn>): SyncMessageIn => ({
  hubId: 'hub',
  kind: 'DELTA',
  fromRevision: 5,
  revision: 6,
  changes: [],
  complete: true,
  ...m,
});
const change = (key: string) => ({ key, revision: 6, deleted: false, hash: 'h', source: 's', manifest: {} });

describe('session step', () => {
  it.each<[string, SessionState, SessionEvent[], unknown[]]>([
    ['start registers first', initialSession('', 0), [{ type: 'start' }], [{ type: 'register' }]],
    [
      'after registering with the same hub the stream resumes from the applied revision',
      initialSession('hub', 5),
      [{ type: 'start' }, { type: 'registered', hubId: 'hub' }],
      [{ type: 'register' }, { type: 'openStream', sinceRevision: 5, hubId: 'hub' }],
    ],
    [
      'a different hub identity asks for a snapshot and is reported',
      initialSession('old', 5),
      [{ type: 'start' }, { type: 'registered', hubId: 'new' }],
      [
        { type: 'register' },
        { type: 'hubChanged', from: 'old', to: 'new' },
        { type: 'openStream', sinceRevision: 0, hubId: 'old' },
      ],
    ],
    [
      'a first contact opens with revision 0 and no hub identity',
      initialSession('', 0),
      [{ type: 'start' }, { type: 'registered', hubId: 'hub' }],
      [{ type: 'register' }, { type: 'openStream', sinceRevision: 0, hubId: '' }],
    ],
    [
      'a failed registration backs off without closing a stream',
      initialSession('', 0),
      [{ type: 'start' }, { type: 'failed', reason: 'unavailable' }],
      [{ type: 'register' }, { type: 'sleep', ms: 250, reason: 'unavailable' }],
    ],
    [
      'a delta leaving a gap closes the stream and backs off',
      initialSession('hub', 5),
      [
        { type: 'start' },
        { type: 'registered', hubId: 'hub' },
        { type: 'message', message: msg({ fromRevision: 6, revision: 7 }) },
      ],
      [
        { type: 'register' },
        { type: 'openStream', sinceRevision: 5, hubId: 'hub' },
        { type: 'closeStream', reason: 'delta from revision 6 does not follow 5' },
        { type: 'sleep', ms: 250, reason: 'delta from revision 6 does not follow 5' },
      ],
    ],
  ])('%s', (_n, state, events, effects) => {
    expect(run(state, events).effects).toEqual(effects);
  });

  it.each<[string, SessionState, Partial<SyncMessageIn>, boolean]>([
    ['a delta continuing the held revision is applied', initialSession('hub', 5), { fromRevision: 5 }, true],
    ['a delta overlapping the held revision is applied', initialSession('hub', 5), { fromRevision: 3 }, true],
    ['a delta from another hub is refused', initialSession('other', 5), { fromRevision: 5 }, false],
    ['holding nothing, a delta from revision 0 is applied', initialSession('', 0), { fromRevision: 0 }, true],
    [
      'holding nothing, a delta from a later revision is refused',
      initialSession('', 0),
      { fromRevision: 4 },
      false,
    ],
  ])('%s', (_n, state, m, applied) => {
    const r = run(state, [
      { type: 'start' },
      { type: 'registered', hubId: 'hub' },
      { type: 'message', message: msg(m) },
    ]);
    expect(r.effects.some((e) => e.type === 'apply')).toBe(applied);
  });

  it('joins chunks of a snapshot and applies them once, when the last arrives', () => {
    const r = run(initialSession('', 0), [
      { type: 'start' },
      { type: 'registered', hubId: 'hub' },
      {
        type: 'message',
        message: msg({
          kind: 'SNAPSHOT',
          fromRevision: 0,
          revision: 9,
          changes: [change('a')],
          complete: false,
        }),
      },
      {
        type: 'message',
        message: msg({
          kind: 'SNAPSHOT',
          fromRevision: 0,
          revision: 9,
          changes: [change('b')],
          complete: true,
        }),
      },
    ]);
    const applies = r.effects.filter((e) => e.type === 'apply');
    expect(applies).toHaveLength(1);
    expect(applies[0]).toMatchObject({ update: { kind: 'SNAPSHOT', revision: 9, hubId: 'hub' } });
    expect(
      (applies[0] as { update: { changes: Array<{ key: string }> } }).update.changes.map((c) => c.key),
    ).toEqual(['a', 'b']);
    expect(r.state.pending).toBeUndefined();
  });

  it('a chunk of another kind while a snapshot is pending is a protocol failure', () => {
    const r = run(initialSession('', 0), [
      { type: 'start' },
      { type: 'registered', hubId: 'hub' },
      { type: 'message', message: msg({ kind: 'SNAPSHOT', fromRevision: 0, complete: false }) },
      { type: 'message', message: msg({ kind: 'DELTA' }) },
    ]);
    expect(r.state.phase).toBe('Backoff');
    expect(r.effects.some((e) => e.type === 'apply')).toBe(false);
  });

  it('backoff grows with consecutive failures and resets once a message arrives', () => {
    const sleeps = (s: SessionState, events: SessionEvent[]) =>
      run(s, events).effects.flatMap((e) => (e.type === 'sleep' ? [e.ms] : []));
    const fails: SessionEvent[] = [
      { type: 'start' },
      { type: 'failed', reason: 'x' },
      { type: 'backoffElapsed' },
      { type: 'failed', reason: 'x' },
      { type: 'backoffElapsed' },
      { type: 'failed', reason: 'x' },
    ];
    expect(sleeps(initialSession('', 0), fails)).toEqual([250, 500, 1000]);
    const recovered = run(initialSession('hub', 5), [
      ...fails,
      { type: 'backoffElapsed' },
      { type: 'registered', hubId: 'hub' },
      { type: 'message', message: msg({}) },
    ]).state;
    expect(recovered.attempt).toBe(0);
  });

  it('an applied update moves the revision the next stream resumes from', () => {
    const r = run(initialSession('hub', 5), [
      { type: 'applied', hubId: 'hub', revision: 6 },
      { type: 'start' },
      { type: 'registered', hubId: 'hub' },
    ]);
    expect(r.effects).toContainEqual({ type: 'openStream', sinceRevision: 6, hubId: 'hub' });
  });

  it('after stop, stream messages are ignored', () => {
    const r = run(initialSession('hub', 5), [
      { type: 'start' },
      { type: 'registered', hubId: 'hub' },
      { type: 'stop' },
      { type: 'message', message: msg({}) },
    ]);
    expect(r.state.phase).toBe('Stopped');
    expect(r.effects.filter((e) => e.type === 'apply')).toEqual([]);
  });
});
