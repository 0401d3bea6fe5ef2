/**
 * Desired versus applied: what to do with one object key, given what the hub wants, what the
 * ownership ledger says the agent applied, and what is live in the member. Pure; the reconciler
 * carries the decision out. Safety first: nothing is deleted unless the ledger and the live
 * object agree that the agent created it, under a hub identity allowed to remove it.
 */
import { FIELD_MANAGER, MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../../shared/vocabulary.ts';
import type { DesiredObject } from './desired-set.ts';
import { computeApplyIntent } from './intent.ts';
import { parseQuantityMilli } from './quantity.ts';

/** One ledger record: the agent applied `key` with content `hash` at `revision` for hub `hubId`. */
export interface LedgerEntry {
  /** apiVersion the object was applied with, so it can be found again without the manifest. */
  apiVersion: string;
  hash: string;
  revision: number;
  hubId: string;
  /** A namespace the agent created because a desired object needed it; never pruned. */
  implicit?: boolean;
}

/** What the decision needs of a live object. */
export interface LiveView {
  labels: Record<string, string>;
  /** True when the agent's field manager appears in managedFields. */
  appliedByAgent: boolean;
  /** The whole live object, for drift comparison. */
  object: Record<string, unknown>;
}

/** The decision's view of a live object: its labels, and whether the agent's field manager applied to it. */
export function toLiveView(o: Record<string, unknown>): LiveView {
  const m = (o['metadata'] ?? {}) as Record<string, unknown>;
  const managed = Array.isArray(m['managedFields'])
    ? (m['managedFields'] as Array<Record<string, unknown>>)
    : [];
  return {
    labels: (m['labels'] ?? {}) as Record<string, string>,
    appliedByAgent: managed.some((f) => f['manager'] === FIELD_MANAGER && f['operation'] === 'Apply'),
    object: o,
  };
}

export interface DecideInput {
  desired: DesiredObject | undefined;
  ledger: LedgerEntry | undefined;
  /** undefined: the object does not exist in the member. */
  live: LiveView | undefined;
  /** The hash the agent last applied successfully for this key (from memory or the ledger). */
  lastAppliedHash: string | undefined;
  /** Hub identities whose ledger entries this agent may prune now. */
  prunableHubIds: ReadonlySet<string>;
  /** Take over existing objects the agent did not create. */
  adopt: boolean;
}

export type Decision =
  | { action: 'skip' }
  | { action: 'apply'; reason: 'create' | 'update' | 'drift' | 'recreate' | 'adopt' }
  | { action: 'alreadyExists' }
  | { action: 'delete' }
  /** Drop the ledger entry only: the object is gone, or no longer carries the managed-by label. */
  | { action: 'forget' }
  /** Not wanted, but owned under another hub identity: leave it and wait. */
  | { action: 'keep' };

function hasManagedLabel(live: LiveView): boolean {
  return live.labels[MANAGED_BY_LABEL] === MANAGED_BY_VALUE;
}

export function decideObject(input: DecideInput): Decision {
  const { desired, ledger, live } = input;
  if (!desired) {
    if (!ledger) return { action: 'skip' };
    if (ledger.implicit) return { action: 'keep' };
    if (!input.prunableHubIds.has(ledger.hubId)) return { action: 'keep' };
    if (!live) return { action: 'forget' };
    return hasManagedLabel(live) ? { action: 'delete' } : { action: 'forget' };
  }
  if (!live) {
    // Gone although the agent applied this very content: someone deleted it.
    return ledger && input.lastAppliedHash === desired.hash
      ? { action: 'apply', reason: 'recreate' }
      : { action: 'apply', reason: 'create' };
  }
  const ours = ledger !== undefined && (hasManagedLabel(live) || live.appliedByAgent);
  if (!ours) return input.adopt ? { action: 'apply', reason: 'adopt' } : { action: 'alreadyExists' };
  if (input.lastAppliedHash !== desired.hash) return { action: 'apply', reason: 'update' };
  return isDrifted(toComparable(computeApplyIntent(desired)), live.object)
    ? { action: 'apply', reason: 'drift' }
    : { action: 'skip' };
}

function toBase64(s: string): string {
  let bin = '';
  for (const b of new TextEncoder().encode(s)) bin += String.fromCharCode(b);
  return btoa(bin);
}

/**
 * The intent as the API server stores it, for comparison: a Secret's write-only `stringData`
 * lives in `data`, base64-encoded.
 */
export function toComparable(intent: Record<string, unknown>): Record<string, unknown> {
  const stringData = intent['stringData'];
  if (intent['kind'] !== 'Secret' || stringData === null || typeof stringData !== 'object') return intent;
  const { stringData: _s, ...rest } = intent;
  const data = { ...((rest['data'] ?? {}) as Record<string, string>) };
  for (const [k, v] of Object.entries(stringData as Record<string, unknown>)) data[k] = toBase64(String(v));
  return { ...rest, data };
}

const QUANTITY_SUFFIX = /^[+-]?[0-9.]+([eE][+-]?[0-9]+|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)$/;

/** "0.5" and "500m" are one quantity; the API server stores the canonical spelling. */
function sameQuantity(a: string, b: string): boolean {
  if (!QUANTITY_SUFFIX.test(a) && !QUANTITY_SUFFIX.test(b)) return false;
  const x = parseQuantityMilli(a);
  return x !== undefined && x === parseQuantityMilli(b);
}

function isEmptyContainer(v: unknown): boolean {
  if (Array.isArray(v)) return v.length === 0;
  return v !== null && typeof v === 'object' && Object.keys(v).length === 0;
}

/**
 * True when `live` does not hold every value of `desired`. Extra live fields (defaults, status,
 * fields of other managers) are fine; an empty desired map or list matches a missing field, and
 * a number matches its string spelling, because the API server normalises both.
 */
export function isDrifted(desired: unknown, live: unknown): boolean {
  if (desired === null || desired === undefined) return false;
  if (Array.isArray(desired)) {
    if (live === undefined || live === null) return desired.length !== 0;
    if (!Array.isArray(live) || live.length !== desired.length) return true;
    return desired.some((d, i) => isDrifted(d, live[i]));
  }
  if (typeof desired === 'object') {
    if (live === undefined || live === null) return !isEmptyContainer(desired);
    if (typeof live !== 'object' || Array.isArray(live)) return true;
    const l = live as Record<string, unknown>;
    return Object.entries(desired as Record<string, unknown>).some(([k, v]) => isDrifted(v, l[k]));
  }
  if (desired === live) return false;
  if (desired === '' && live === undefined) return false;
  if (typeof desired === 'string' && typeof live === 'string' && sameQuantity(desired, live)) return false;
  if ((typeof desired === 'number' || typeof desired === 'string') && typeof live !== 'object') {
    return String(desired) !== String(live);
  }
  return true;
}
