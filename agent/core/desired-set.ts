/**
 * The agent's last known slice: the objects the hub wants in this member, keyed by object key.
 * It changes only by complete sync messages (a snapshot replaces it, a delta patches it) and
 * it is what the agent keeps enforcing while the hub is unreachable.
 */

/** One object the hub wants in this member. */
export interface DesiredObject {
  key: string;
  revision: number;
  /** The hub's content hash of `manifest`. */
  hash: string;
  source: string;
  manifest: Record<string, unknown>;
}

/** One object of a sync message, decoded (a tombstone has `deleted` and no manifest). */
export interface SliceChange {
  key: string;
  revision: number;
  deleted: boolean;
  hash: string;
  source: string;
  manifest?: Record<string, unknown>;
}

export type SyncKind = 'SNAPSHOT' | 'DELTA';

/** A complete sync unit: every chunk of one snapshot or delta, joined. */
export interface SliceUpdate {
  kind: SyncKind;
  hubId: string;
  fromRevision: number;
  revision: number;
  changes: SliceChange[];
}

/** The persisted desired state: a hub identity, the revision applied in full, and the objects. */
export interface DesiredState {
  hubId: string;
  revision: number;
  objects: Map<string, DesiredObject>;
}

export function emptyDesiredState(): DesiredState {
  return { hubId: '', revision: 0, objects: new Map() };
}

function toDesired(c: SliceChange): DesiredObject | undefined {
  if (c.deleted || !c.manifest) return undefined;
  return { key: c.key, revision: c.revision, hash: c.hash, source: c.source, manifest: c.manifest };
}

/**
 * The desired state after `update`. A snapshot replaces the objects (tombstones in it are
 * ignored); a delta upserts and removes, ignoring any change older than what is held for its key
 * (a replayed delta cannot roll an object back).
 */
export function computeNextDesired(state: DesiredState, update: SliceUpdate): DesiredState {
  if (update.kind === 'SNAPSHOT') {
    const objects = new Map<string, DesiredObject>();
    for (const c of update.changes) {
      const d = toDesired(c);
      if (d) objects.set(d.key, d);
    }
    return { hubId: update.hubId, revision: update.revision, objects };
  }
  const objects = new Map(state.objects);
  for (const c of update.changes) {
    const held = objects.get(c.key);
    if (held && held.revision > c.revision) continue;
    const d = toDesired(c);
    if (d) objects.set(d.key, d);
    else objects.delete(c.key);
  }
  return { hubId: update.hubId, revision: Math.max(state.revision, update.revision), objects };
}
