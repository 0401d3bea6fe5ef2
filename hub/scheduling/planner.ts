/**
 * The replica planner: how many of a workload's replicas each cluster runs. It reproduces
 * kubefed's planner (pkg/controller/util/planner) step for step, including its known oddities,
 * so that a kubefed user's plans do not move when they switch.
 */
import { ValidationError } from '../../shared/errors.ts';
import { fnv1_32 } from './fnv.ts';

/** One cluster's preference; every field defaults to kubefed's zero value. */
export interface ClusterPreference {
  /** Default 0. */
  minReplicas?: number;
  /** Default: no maximum (null and undefined both mean none). */
  maxReplicas?: number | null;
  /** Default 0. */
  weight?: number;
}

export interface PlanInput {
  totalReplicas: number;
  rebalance: boolean;
  /** Keyed by cluster name, or "*" for every cluster without its own entry. */
  preferences: Record<string, ClusterPreference>;
  /** The available clusters; each appears in the plan. */
  clusters: string[];
  /** Replicas each cluster runs now, when known (used only when rebalance is false). */
  currentReplicas?: Record<string, number>;
  /** Replicas a cluster can run at most, for clusters known to be limited. */
  estimatedCapacity?: Record<string, number>;
  /** "<namespace>/<name>" of the workload; salts the tie-breaking hash. */
  key: string;
}

export interface ReplicaPlan {
  /** Replicas per available cluster (0 for clusters without a preference), keys sorted. */
  plan: Record<string, number>;
  /** Replicas a capacity-limited cluster would have taken beyond its capacity, keys sorted. */
  overflow: Record<string, number>;
}

interface Ranked {
  name: string;
  hash: number;
  min: number;
  max: number | undefined;
  weight: number;
}

/**
 * Plans `totalReplicas` over `clusters`:
 * 1. each cluster (in weight-descending, FNV-1-ascending order) gets min(minReplicas, remaining),
 *    capped by its capacity;
 * 2. without rebalance, clusters running more than that are topped up towards their current count
 *    (capped by maxReplicas, capacity and remaining), and the top-up is remembered;
 * 3. rounds share what remains by weight (rounding up), taking a share from the remembered top-up
 *    first, clamping to maxReplicas then capacity (the excess over capacity is the overflow), until
 *    nothing remains or a round changes nothing.
 * Without rebalance each overflow is cut to what stayed unplaced and zero entries are dropped.
 * @throws ValidationError when a count is negative or not an integer, or a cluster is listed twice.
 */
export function planReplicas(input: PlanInput): ReplicaPlan {
  checkInput(input);
  const current = toMap(input.currentReplicas);
  const capacity = toMap(input.estimatedCapacity);
  const plan = new Map<string, number>();
  const overflow = new Map<string, number>();
  const encoder = new TextEncoder();

  const ranked: Ranked[] = [];
  for (const name of input.clusters) {
    const pref = ownValue(input.preferences, name) ?? ownValue(input.preferences, '*');
    if (pref === undefined) {
      plan.set(name, 0);
      continue;
    }
    ranked.push({
      name,
      hash: fnv1_32(encoder.encode(name + input.key)),
      min: pref.minReplicas ?? 0,
      max: pref.maxReplicas ?? undefined,
      weight: pref.weight ?? 0,
    });
  }
  // Names only break exact hash collisions, which kubefed leaves to an unstable sort.
  ranked.sort((a, b) => b.weight - a.weight || a.hash - b.hash || compareStrings(a.name, b.name));

  let remaining = input.totalReplicas;
  for (const c of ranked) {
    let take = Math.min(c.min, remaining);
    const cap = capacity.get(c.name);
    if (cap !== undefined) take = Math.min(take, cap);
    remaining -= take;
    plan.set(c.name, take);
  }

  const preallocated = new Map<string, number>();
  if (!input.rebalance) {
    for (const c of ranked) {
      const planned = plan.get(c.name) ?? 0;
      const count = current.get(c.name);
      if (count === undefined || count <= planned) continue;
      let target = count;
      if (c.max !== undefined) target = Math.min(c.max, target);
      const cap = capacity.get(c.name);
      if (cap !== undefined) target = Math.min(cap, target);
      const extra = Math.max(0, Math.min(target - planned, remaining));
      remaining -= extra;
      preallocated.set(c.name, extra);
      plan.set(c.name, planned + extra);
    }
  }

  let active = ranked;
  let modified = true;
  while (modified && remaining > 0) {
    modified = false;
    const weightSum = active.reduce((sum, c) => sum + c.weight, 0);
    if (weightSum <= 0) break;
    const distribute = remaining;
    const next: Ranked[] = [];
    for (const c of active) {
      const start = plan.get(c.name) ?? 0;
      let extra = Math.min(ceilShare(distribute, c.weight, weightSum), remaining);
      const prealloc = preallocated.get(c.name) ?? 0;
      const used = Math.min(extra, prealloc);
      preallocated.set(c.name, prealloc - used);
      extra -= used;
      if (used > 0) modified = true;

      let total = start + extra;
      let full = false;
      if (c.max !== undefined && total > c.max) {
        total = c.max;
        full = true;
      }
      const cap = capacity.get(c.name);
      if (cap !== undefined && total > cap) {
        overflow.set(c.name, total - cap);
        total = cap;
        full = true;
      }
      if (!full) next.push(c);
      // A clamp below start gives replicas back to what remains.
      remaining -= total - start;
      plan.set(c.name, total);
      if (total > start) modified = true;
    }
    active = next;
  }

  if (!input.rebalance) {
    for (const [name, value] of overflow) {
      const cut = Math.min(value, remaining);
      if (cut > 0) overflow.set(name, cut);
      else overflow.delete(name);
    }
  }
  return { plan: sortedRecord(plan), overflow: sortedRecord(overflow) };
}

/** ceil(replicas * weight / weightSum) in exact integer arithmetic. */
function ceilShare(replicas: number, weight: number, weightSum: number): number {
  const w = BigInt(weightSum);
  return Number((BigInt(replicas) * BigInt(weight) + w - 1n) / w);
}

function checkInput(input: PlanInput): void {
  checkCount(input.totalReplicas, 'totalReplicas');
  const seen = new Set<string>();
  for (const [i, name] of input.clusters.entries()) {
    if (typeof name !== 'string' || name === '') {
      throw new ValidationError(`clusters[${i}]`, 'must be a non-empty string');
    }
    if (seen.has(name)) throw new ValidationError(`clusters[${i}]`, `cluster "${name}" is listed twice`);
    seen.add(name);
  }
  let weightSum = 0;
  for (const [name, pref] of Object.entries(input.preferences)) {
    const field = `preferences[${JSON.stringify(name)}]`;
    if (typeof pref !== 'object' || pref === null) throw new ValidationError(field, 'must be an object');
    if (pref.minReplicas !== undefined) checkCount(pref.minReplicas, `${field}.minReplicas`);
    if (pref.maxReplicas !== undefined && pref.maxReplicas !== null) {
      checkCount(pref.maxReplicas, `${field}.maxReplicas`);
    }
    if (pref.weight !== undefined) checkCount(pref.weight, `${field}.weight`);
    weightSum += pref.weight ?? 0;
  }
  // Every cluster may share one "*" weight, so bound the worst case sum.
  if (weightSum * Math.max(1, input.clusters.length) > Number.MAX_SAFE_INTEGER) {
    throw new ValidationError('preferences', 'weights are too large to sum exactly');
  }
  for (const [field, record] of [
    ['currentReplicas', input.currentReplicas],
    ['estimatedCapacity', input.estimatedCapacity],
  ] as const) {
    for (const [name, value] of Object.entries(record ?? {})) {
      checkCount(value, `${field}[${JSON.stringify(name)}]`);
    }
  }
}

function checkCount(value: unknown, field: string): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ValidationError(field, `must be a non-negative integer, got ${String(value)}`);
  }
}

function ownValue<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function toMap(record: Record<string, number> | undefined): Map<string, number> {
  return new Map(Object.entries(record ?? {}));
}

function sortedRecord(map: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...map].sort(([a], [b]) => compareStrings(a, b)));
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
