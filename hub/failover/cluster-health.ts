/**
 * The cluster health state machine: a pure function of (state, input, config). Heartbeats make a
 * cluster Ready=True; the agent reporting its cluster unhealthy makes it False; no heartbeat for
 * a grace period makes it Unknown (we lost contact: the cluster may well still be serving, so it
 * is never False on silence alone). A broken stream is not an input at all: only heartbeats count.
 *
 * On top of Ready sits availability for replica planning, with hysteresis:
 *
 *   Available --not Ready--> Suspect --failoverDelayMs--> FailedOver --Ready--> Recovering
 *       ^                       |                            ^                      |
 *       +-------Ready-----------+                            +------not Ready-------+
 *       +---------------------stabilizationMs of Ready, while Recovering-------------+
 *
 * A new cluster is Pending until its first heartbeat, then Available at once (it has nothing to
 * fail back). Only Available clusters take part in planning. A cluster that flaps while FailedOver or
 * Recovering goes back to FailedOver at once and its stabilisation window starts again, so a
 * flapping cluster causes one failover and, once it is stable, one failback.
 */
import type { ConditionStatus } from '../../shared/vocabulary.ts';

export const AVAILABILITIES = ['Pending', 'Available', 'Suspect', 'FailedOver', 'Recovering'] as const;
export type Availability = (typeof AVAILABILITIES)[number];

export const READY_REASONS = [
  'HeartbeatReceived',
  'HeartbeatsMissed',
  'AgentReportedUnhealthy',
  'NoHeartbeatYet',
] as const;
export type ReadyReason = (typeof READY_REASONS)[number];

export interface HealthConfig {
  /** Expected interval between heartbeats (default 5 000). */
  heartbeatIntervalMs: number;
  /** Silence after which Ready becomes Unknown (default 20 000). */
  graceMs: number;
  /** Time a cluster stays not Ready before its replicas move elsewhere (default 10 000). */
  failoverDelayMs: number;
  /** Time a returning cluster must stay Ready before replicas move back (default 30 000). */
  stabilizationMs: number;
}

export const DEFAULT_HEALTH_CONFIG: HealthConfig = {
  heartbeatIntervalMs: 5_000,
  graceMs: 20_000,
  failoverDelayMs: 10_000,
  stabilizationMs: 30_000,
};

export interface ClusterHealthState {
  ready: ConditionStatus;
  reason: ReadyReason;
  message: string;
  /** When `ready` last changed. */
  readyTransitionMs: number;
  lastHeartbeatMs: number | null;
  availability: Availability;
  /** When `availability` last changed. */
  availabilityTransitionMs: number;
}

export type HealthInput =
  | { kind: 'heartbeat'; atMs: number; health: 'Healthy' | 'Unhealthy'; message?: string }
  | { kind: 'tick'; atMs: number };

/** A change worth an event and a log line. */
export interface HealthTransition {
  kind: 'Ready' | 'Availability';
  from: string;
  to: string;
  reason: string;
  message: string;
  atMs: number;
}

export interface HealthStep {
  state: ClusterHealthState;
  transitions: HealthTransition[];
}

/**
 * A cluster the hub has just heard from at registration: registering is a sign of life, so it
 * starts Ready and Available, and the grace period runs from now.
 */
export function registeredClusterHealth(nowMs: number): ClusterHealthState {
  return {
    ready: 'True',
    reason: 'HeartbeatReceived',
    message: 'registered',
    readyTransitionMs: nowMs,
    lastHeartbeatMs: nowMs,
    availability: 'Available',
    availabilityTransitionMs: nowMs,
  };
}

/** A cluster that has not been heard from at all. */
export function initialClusterHealth(nowMs: number): ClusterHealthState {
  return {
    ready: 'Unknown',
    reason: 'NoHeartbeatYet',
    message: 'no heartbeat received yet',
    readyTransitionMs: nowMs,
    lastHeartbeatMs: null,
    // A new cluster is not trusted with replicas until its first heartbeat.
    availability: 'Pending',
    availabilityTransitionMs: nowMs,
  };
}

export function stepClusterHealth(
  state: ClusterHealthState,
  input: HealthInput,
  cfg: HealthConfig,
): HealthStep {
  const transitions: HealthTransition[] = [];
  let next = { ...state };
  const now = input.atMs;

  const setReady = (ready: ConditionStatus, reason: ReadyReason, message: string): void => {
    if (next.ready !== ready) {
      transitions.push({ kind: 'Ready', from: next.ready, to: ready, reason, message, atMs: now });
      next = { ...next, ready, reason, message, readyTransitionMs: now };
    } else if (next.reason !== reason || next.message !== message) {
      next = { ...next, reason, message };
    }
  };

  if (input.kind === 'heartbeat') {
    next.lastHeartbeatMs = Math.max(next.lastHeartbeatMs ?? input.atMs, input.atMs);
    if (input.health === 'Healthy') setReady('True', 'HeartbeatReceived', 'heartbeats arriving');
    else
      setReady('False', 'AgentReportedUnhealthy', input.message || 'the agent reports its cluster unhealthy');
  } else if (next.lastHeartbeatMs !== null && next.ready !== 'Unknown') {
    const silentMs = now - next.lastHeartbeatMs;
    if (silentMs >= cfg.graceMs) {
      const missed = Math.floor(silentMs / cfg.heartbeatIntervalMs);
      setReady(
        'Unknown',
        'HeartbeatsMissed',
        `no heartbeat for ${formatSeconds(silentMs)} (${missed} missed)`,
      );
    }
  }

  const availability = nextAvailability(next, now, cfg);
  if (availability !== next.availability) {
    transitions.push({
      kind: 'Availability',
      from: next.availability,
      to: availability,
      reason: availabilityReason(next.availability, availability),
      message: availabilityMessage(next, availability, now, cfg),
      atMs: now,
    });
    next = { ...next, availability, availabilityTransitionMs: now };
  }
  return { state: next, transitions };
}

function nextAvailability(s: ClusterHealthState, now: number, cfg: HealthConfig): Availability {
  const isReady = s.ready === 'True';
  switch (s.availability) {
    case 'Pending':
      return isReady ? 'Available' : 'Pending';
    case 'Available':
      return isReady
        ? 'Available'
        : now - s.readyTransitionMs >= cfg.failoverDelayMs
          ? 'FailedOver'
          : 'Suspect';
    case 'Suspect':
      if (isReady) return 'Available';
      return now - s.readyTransitionMs >= cfg.failoverDelayMs ? 'FailedOver' : 'Suspect';
    case 'FailedOver':
      if (!isReady) return 'FailedOver';
      return now - s.readyTransitionMs >= cfg.stabilizationMs ? 'Available' : 'Recovering';
    case 'Recovering':
      if (!isReady) return 'FailedOver';
      return now - s.readyTransitionMs >= cfg.stabilizationMs ? 'Available' : 'Recovering';
  }
}

function availabilityReason(from: Availability, to: Availability): string {
  if (to === 'FailedOver')
    return from === 'Recovering' ? 'FlappedWhileRecovering' : 'NotReadyPastFailoverDelay';
  if (to === 'Suspect') return 'NotReady';
  if (to === 'Pending') return 'Registered';
  if (to === 'Recovering') return 'ReadyAgain';
  if (from === 'Pending') return 'FirstHeartbeat';
  return from === 'Suspect' ? 'ReadyWithinFailoverDelay' : 'StableForStabilizationWindow';
}

function availabilityMessage(
  s: ClusterHealthState,
  to: Availability,
  now: number,
  cfg: HealthConfig,
): string {
  switch (to) {
    case 'Suspect':
      return `Ready is ${s.ready} (${s.reason}); replicas move in ${formatSeconds(cfg.failoverDelayMs)} unless it recovers`;
    case 'FailedOver':
      return `Ready has been ${s.ready} (${s.reason}) for ${formatSeconds(now - s.readyTransitionMs)}; its replicas are planned elsewhere`;
    case 'Recovering':
      return `Ready again; replicas return after ${formatSeconds(cfg.stabilizationMs)} of stability`;
    case 'Pending':
      return 'waiting for the first heartbeat';
    case 'Available':
      if (s.availability === 'Pending') return 'first heartbeat received; the cluster takes part in planning';
      return `Ready for ${formatSeconds(now - s.readyTransitionMs)}; the cluster takes part in planning`;
  }
}

function formatSeconds(ms: number): string {
  return `${Math.round(ms / 100) / 10}s`;
}

/** The earliest time at which a tick could change this state (for scheduling the next tick). */
export function nextHealthDeadline(s: ClusterHealthState, cfg: HealthConfig): number | null {
  const candidates: number[] = [];
  if (s.ready !== 'Unknown' && s.lastHeartbeatMs !== null) candidates.push(s.lastHeartbeatMs + cfg.graceMs);
  if (s.availability === 'Suspect') candidates.push(s.readyTransitionMs + cfg.failoverDelayMs);
  if (s.availability === 'Recovering') candidates.push(s.readyTransitionMs + cfg.stabilizationMs);
  return candidates.length ? Math.min(...candidates) : null;
}

/**
 * A hub that was down heard no heartbeats, through no fault of the clusters. On start it gives
 * every cluster a fresh grace period from now instead of failing them all over at once.
 */
export function resumeClusterHealth(s: ClusterHealthState, nowMs: number): ClusterHealthState {
  if (s.lastHeartbeatMs === null || s.lastHeartbeatMs >= nowMs) return s;
  return { ...s, lastHeartbeatMs: nowMs };
}

/** Whether replica planning counts the cluster: Available, or Suspect while the failover delay runs. */
export function isPlannable(availability: Availability): boolean {
  return availability === 'Available' || availability === 'Suspect';
}
