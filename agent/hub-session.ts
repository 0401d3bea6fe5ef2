/**
 * Drives the hub session reducer (core/session.ts): performs its effects — register, stream,
 * back off — and hands each complete update to `applyUpdate`. Keeps going until `signal`
 * aborts; the hub being unreachable only means backing off and trying again.
 */
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from '../shared/logger.ts';
import type { BackoffPolicy } from './core/backoff.ts';
import type { SliceUpdate } from './core/desired-set.ts';
import {
  initialSession,
  step,
  type SessionEvent,
  type SessionPhase,
  type SessionState,
} from './core/session.ts';
import { isRetryable, type ClusterFactsWire, type HubClient } from './grpc/hub-client.ts';
import type { StateStore } from './state-store.ts';

export interface HubSessionDeps {
  hub: HubClient;
  store: StateStore;
  log: Logger;
  clusterName: string;
  labels: Record<string, string>;
  bootstrapToken: () => string | undefined;
  facts: () => Promise<ClusterFactsWire>;
  backoff: BackoffPolicy;
  random: () => number;
  /** Applies a complete update; resolves once it is persisted and reconciled. */
  applyUpdate: (update: SliceUpdate) => Promise<void>;
  onRegistered: (info: { hubId: string; heartbeatIntervalMs: number }) => void;
  onPhase?: (phase: SessionPhase) => void;
}

export interface HubSession {
  state(): SessionState;
  /** Resolves when `signal` aborts and the session has wound down. */
  run(signal: AbortSignal): Promise<void>;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

function reasonOf(err: unknown): string {
  const e = err as Partial<grpc.ServiceError>;
  if (typeof e?.code === 'number') return `${grpc.status[e.code] ?? e.code}: ${e.details ?? e.message ?? ''}`;
  return err instanceof Error ? err.message : String(err);
}

export function createHubSession(deps: HubSessionDeps, hubId: string, revision: number): HubSession {
  const { hub, store, log } = deps;
  let s = initialSession(hubId, revision);
  const ctx = { backoff: deps.backoff, random: deps.random };

  function advance(event: SessionEvent) {
    const before = s.phase;
    const r = step(s, event, ctx);
    s = r.state;
    if (s.phase !== before) {
      log.debug({ from: before, to: s.phase }, 'session phase');
      deps.onPhase?.(s.phase);
    }
    return r.effects;
  }

  async function register(signal: AbortSignal): Promise<SessionEvent> {
    const facts = await deps.facts();
    const base = { clusterName: deps.clusterName, labels: deps.labels, facts };
    const credential = store.readCredential();
    const bootstrap = deps.bootstrapToken();
    try {
      let res;
      try {
        if (!credential)
          throw Object.assign(new Error('no credential yet'), { code: grpc.status.UNAUTHENTICATED });
        res = await hub.register({ ...base, bootstrapToken: '' }, credential, signal);
      } catch (err) {
        if ((err as grpc.ServiceError).code !== grpc.status.UNAUTHENTICATED || !bootstrap) throw err;
        if (credential) log.warn('credential refused by the hub; registering with the bootstrap token');
        res = await hub.register({ ...base, bootstrapToken: bootstrap }, undefined, signal);
        if (!res.credential) throw new Error('hub returned no credential for a bootstrap registration');
        store.writeCredential(res.credential);
        log.info({ hubId: res.hubId }, 'registered with bootstrap token');
      }
      deps.onRegistered({ hubId: res.hubId, heartbeatIntervalMs: Number(res.heartbeatIntervalMs) || 0 });
      return { type: 'registered', hubId: res.hubId };
    } catch (err) {
      const reason = reasonOf(err);
      // Refusals (bad credential, another cluster's name) need an operator; outages only patience.
      if (isRetryable(err)) log.warn({ reason }, 'registration failed');
      else log.error({ reason }, 'registration refused by the hub');
      return { type: 'failed', reason };
    }
  }

  async function stream(sinceRevision: number, hubId: string, signal: AbortSignal): Promise<SessionEvent> {
    const credential = store.readCredential() ?? '';
    const ctl = new AbortController();
    const onAbort = () => ctl.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    log.info({ sinceRevision, hubId }, 'sync stream opening');
    try {
      for await (const m of hub.sync(
        { clusterName: deps.clusterName, sinceRevision, hubId },
        credential,
        ctl.signal,
      )) {
        for (const e of advance({ type: 'message', message: m })) {
          if (e.type === 'apply') {
            await deps.applyUpdate(e.update);
            advance({ type: 'applied', hubId: e.update.hubId, revision: e.update.revision });
          } else if (e.type === 'sleep') {
            log.warn({ reason: e.reason }, 'sync stream closed');
            ctl.abort();
            await sleep(e.ms, signal);
            return { type: 'backoffElapsed' };
          }
        }
      }
      if (signal.aborted) return { type: 'stop' };
      return { type: 'failed', reason: 'sync stream ended by the hub' };
    } catch (err) {
      if (signal.aborted) return { type: 'stop' };
      return { type: 'failed', reason: reasonOf(err) };
    } finally {
      signal.removeEventListener('abort', onAbort);
      ctl.abort();
    }
  }

  return {
    state: () => s,
    async run(signal) {
      let next: SessionEvent | undefined = { type: 'start' };
      while (next && !signal.aborted) {
        const effects = advance(next);
        next = undefined;
        for (const e of effects) {
          if (signal.aborted) break;
          if (e.type === 'register') next = await register(signal);
          else if (e.type === 'openStream') next = await stream(e.sinceRevision, e.hubId, signal);
          else if (e.type === 'hubChanged') log.warn({ from: e.from, to: e.to }, 'hub identity changed');
          else if (e.type === 'sleep') {
            log.info({ ms: e.ms, reason: e.reason }, 'reconnecting after backoff');
            await sleep(e.ms, signal);
            next = { type: 'backoffElapsed' };
          }
        }
      }
      advance({ type: 'stop' });
    },
  };
}

/** Reads a bootstrap token file each time it is needed (the file may be mounted later). */
export function readTokenFile(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
