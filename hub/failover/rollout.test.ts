// Pins make-before-break replica moves: silent clusters are frozen, shrinking waits for readiness.
import { describe, expect, it } from 'vitest';
import { EMPTY_ROLLOUT, stepRollout, type RolloutInput, type RolloutState } from './rollout.ts';

const base: Omit<RolloutInput, 'target'> = { frozen: [], ready: {}, nowMs: 0, timeoutMs: 120_000 };

describe('stepRollout', () => {
  it('sends the first plan as it is', () => {
    const r = stepRollout(EMPTY_ROLLOUT, { ...base, target: { c1: 2, c2: 3, c3: 1 } });
    expect(r).toMatchObject({ changed: true, reason: 'ScaledUp', state: { sent: { c1: 2, c2: 3, c3: 1 } } });
  });

  it('makes no change when the plan is what was sent', () => {
    const s: RolloutState = { sent: { c1: 2, c2: 3 }, phase: { kind: 'Steady' } };
    expect(stepRollout(s, { ...base, target: { c1: 2, c2: 3 } })).toMatchObject({
      changed: false,
      reason: 'Unchanged',
    });
  });

  it('failover: the healthy clusters scale up at once and the silent cluster keeps what it had', () => {
    const s: RolloutState = { sent: { c1: 2, c2: 3, c3: 1 }, phase: { kind: 'Steady' } };
    const r = stepRollout(s, { ...base, target: { c1: 2, c2: 4 }, frozen: ['c3'] });
    expect(r.state.sent).toEqual({ c1: 2, c2: 4, c3: 1 });
    expect(r.reason).toBe('ScaledUp');
  });

  it('failback: the others keep their replicas until the returning cluster reports its share ready', () => {
    const during: RolloutState = { sent: { c1: 2, c2: 4, c3: 1 }, phase: { kind: 'Steady' } };
    const target = { c1: 2, c2: 3, c3: 1 };
    const waiting = stepRollout(during, { ...base, target, ready: { c1: 2, c2: 4, c3: 0 }, nowMs: 1_000 });
    expect(waiting.state.sent).toEqual({ c1: 2, c2: 4, c3: 1 });
    expect(waiting.reason).toBe('WaitingForReady');
    const done = stepRollout(waiting.state, {
      ...base,
      target,
      ready: { c1: 2, c2: 4, c3: 1 },
      nowMs: 5_000,
    });
    expect(done).toMatchObject({
      changed: true,
      reason: 'ReplacementsReady',
      state: { sent: target, phase: { kind: 'Steady' } },
    });
  });

  it('failback where the returning cluster lost its replicas: it grows first, the others shrink after', () => {
    const during: RolloutState = { sent: { c1: 2, c2: 4, c3: 0 }, phase: { kind: 'Steady' } };
    const target = { c1: 2, c2: 3, c3: 1 };
    const first = stepRollout(during, { ...base, target, ready: { c1: 2, c2: 4 }, nowMs: 0 });
    expect(first.state.sent).toEqual({ c1: 2, c2: 4, c3: 1 });
    expect(first.changed).toBe(true);
    const still = stepRollout(first.state, {
      ...base,
      target,
      ready: { c1: 2, c2: 4, c3: 0 },
      nowMs: 60_000,
    });
    expect(still.changed).toBe(false);
    const done = stepRollout(still.state, { ...base, target, ready: { c1: 2, c2: 4, c3: 1 }, nowMs: 61_000 });
    expect(done).toMatchObject({ reason: 'ReplacementsReady', state: { sent: target } });
  });

  it('gives up waiting after the timeout and applies the plan', () => {
    const s: RolloutState = { sent: { c1: 2, c2: 4, c3: 0 }, phase: { kind: 'Steady' } };
    const target = { c1: 2, c2: 3, c3: 1 };
    const first = stepRollout(s, { ...base, target, nowMs: 1_000 });
    const late = stepRollout(first.state, { ...base, target, ready: { c1: 2, c2: 4 }, nowMs: 121_000 });
    expect(late).toMatchObject({ reason: 'ReadyTimeout', state: { sent: target } });
  });

  it('restarts the wait when the target changes mid-way', () => {
    const s: RolloutState = { sent: { c1: 4, c2: 0 }, phase: { kind: 'Steady' } };
    const a = stepRollout(s, { ...base, target: { c1: 2, c2: 2 }, nowMs: 0 });
    const b = stepRollout(a.state, { ...base, target: { c1: 1, c2: 3 }, nowMs: 119_000 });
    expect(b.state.phase).toEqual({ kind: 'ScalingUp', sinceMs: 119_000, target: { c1: 1, c2: 3 } });
    expect(stepRollout(b.state, { ...base, target: { c1: 1, c2: 3 }, nowMs: 200_000 }).reason).toBe(
      'WaitingForReady',
    );
  });

  it('a pure decrease waits only for the clusters that keep replicas', () => {
    const s: RolloutState = { sent: { c1: 3, c2: 3 }, phase: { kind: 'Steady' } };
    const r = stepRollout(s, { ...base, target: { c1: 2, c2: 3 }, ready: { c1: 3, c2: 3 } });
    expect(r).toMatchObject({ reason: 'Rebalanced', state: { sent: { c1: 2, c2: 3 } } });
  });

  it('never lowers a frozen cluster, even when the plan would', () => {
    const s: RolloutState = { sent: { c1: 3, c2: 3 }, phase: { kind: 'Steady' } };
    const r = stepRollout(s, { ...base, target: { c1: 6 }, frozen: ['c2'], ready: { c1: 3 } });
    expect(r.state.sent).toEqual({ c1: 6, c2: 3 });
  });
});
