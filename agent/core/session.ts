/**
 * The hub session as a reducer: register, open the sync stream from the last revision applied
 * in full, join chunks into complete updates, and back off with jitter after any failure.
 * `step` does no I/O; the driver performs the effects it returns and feeds results back.
 */
import { computeBackoffMs, type BackoffPolicy } from './backoff.ts';
import type { SliceChange, SliceUpdate, SyncKind } from './desired-set.ts';

/** Lifecycle of the hub session. */
export type SessionPhase = 'Registering' | 'Connecting' | 'Streaming' | 'Backoff' | 'Stopped';

export interface SessionState {
  phase: SessionPhase;
  /** Consecutive failures since the last message received. */
  attempt: number;
  /** Hub identity of the desired state held ('' before the first sync). */
  hubId: string;
  /** The revision applied in full under `hubId`. */
  revision: number;
  /** Hub identity returned by the last registration. */
  registeredHubId: string;
  /** Chunks of an incomplete snapshot or delta. */
  pending: SliceUpdate | undefined;
}

/** One sync message as received (decoded from the wire). */
export interface SyncMessageIn {
  hubId: string;
  kind: SyncKind | 'KIND_UNSPECIFIED';
  fromRevision: number;
  revision: number;
  changes: SliceChange[];
  complete: boolean;
}

export type SessionEvent =
  | { type: 'start' }
  | { type: 'registered'; hubId: string }
  | { type: 'failed'; reason: string }
  | { type: 'backoffElapsed' }
  | { type: 'message'; message: SyncMessageIn }
  | { type: 'applied'; hubId: string; revision: number }
  | { type: 'stop' };

export type SessionEffect =
  | { type: 'register' }
  | { type: 'openStream'; sinceRevision: number; hubId: string }
  | { type: 'closeStream'; reason: string }
  | { type: 'sleep'; ms: number; reason: string }
  | { type: 'apply'; update: SliceUpdate }
  | { type: 'hubChanged'; from: string; to: string };

export interface SessionContext {
  backoff: BackoffPolicy;
  random: () => number;
}

export interface StepResult {
  state: SessionState;
  effects: SessionEffect[];
}

export function initialSession(hubId: string, revision: number): SessionState {
  return { phase: 'Stopped', attempt: 0, hubId, revision, registeredHubId: '', pending: undefined };
}

function fail(state: SessionState, reason: string, ctx: SessionContext, closeStream: boolean): StepResult {
  const ms = computeBackoffMs(state.attempt, ctx.backoff, ctx.random);
  const effects: SessionEffect[] = closeStream ? [{ type: 'closeStream', reason }] : [];
  effects.push({ type: 'sleep', ms, reason });
  return { state: { ...state, phase: 'Backoff', attempt: state.attempt + 1, pending: undefined }, effects };
}

function onMessage(state: SessionState, m: SyncMessageIn, ctx: SessionContext): StepResult {
  if (m.kind !== 'SNAPSHOT' && m.kind !== 'DELTA') {
    return fail(state, `sync message of unknown kind ${m.kind}`, ctx, true);
  }
  const p = state.pending;
  if (p && (p.kind !== m.kind || p.hubId !== m.hubId)) {
    return fail(state, 'sync chunk does not continue the pending update', ctx, true);
  }
  // A delta must start where the held state ends; a gap means changes were lost on the way.
  // (Holding nothing yet, a delta from revision 0 is the whole history and fine.)
  const fresh = state.hubId === '' && state.revision === 0 && m.fromRevision === 0;
  if (!p && m.kind === 'DELTA' && !fresh && (m.hubId !== state.hubId || m.fromRevision > state.revision)) {
    return fail(state, `delta from revision ${m.fromRevision} does not follow ${state.revision}`, ctx, true);
  }
  const update: SliceUpdate = p
    ? { ...p, revision: m.revision, changes: [...p.changes, ...m.changes] }
    : {
        kind: m.kind,
        hubId: m.hubId,
        fromRevision: m.fromRevision,
        revision: m.revision,
        changes: m.changes,
      };
  const next: SessionState = {
    ...state,
    phase: 'Streaming',
    attempt: 0,
    pending: m.complete ? undefined : update,
  };
  return { state: next, effects: m.complete ? [{ type: 'apply', update }] : [] };
}

export function step(state: SessionState, event: SessionEvent, ctx: SessionContext): StepResult {
  if (state.phase === 'Stopped' && event.type !== 'start' && event.type !== 'applied') {
    return { state, effects: [] };
  }
  switch (event.type) {
    case 'start':
    case 'backoffElapsed':
      return {
        state: { ...state, phase: 'Registering', pending: undefined },
        effects: [{ type: 'register' }],
      };
    case 'registered': {
      const effects: SessionEffect[] = [];
      const changed = state.hubId !== '' && event.hubId !== state.hubId;
      if (changed && event.hubId !== state.registeredHubId) {
        effects.push({ type: 'hubChanged', from: state.hubId, to: event.hubId });
      }
      // Revisions of another hub mean nothing here: ask the new one for a snapshot.
      effects.push({ type: 'openStream', sinceRevision: changed ? 0 : state.revision, hubId: state.hubId });
      return { state: { ...state, phase: 'Connecting', registeredHubId: event.hubId }, effects };
    }
    case 'failed':
      return fail(state, event.reason, ctx, state.phase === 'Connecting' || state.phase === 'Streaming');
    case 'message':
      if (state.phase !== 'Connecting' && state.phase !== 'Streaming') return { state, effects: [] };
      return onMessage(state, event.message, ctx);
    case 'applied':
      return { state: { ...state, hubId: event.hubId, revision: event.revision }, effects: [] };
    case 'stop':
      return {
        state: { ...state, phase: 'Stopped', pending: undefined },
        effects: [{ type: 'closeStream', reason: 'stopping' }],
      };
  }
}
