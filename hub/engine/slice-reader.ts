import type { SliceRow } from '../store/records.ts';
import type { Store } from '../store/store.ts';

/** What a Sync stream sends first: everything since a revision, or the whole slice. */
export type SliceRead =
  | { kind: 'snapshot'; revision: number; rows: SliceRow[] }
  | { kind: 'delta'; fromRevision: number; revision: number; rows: SliceRow[] };

/**
 * Reads a cluster's slice for a stream that has `sinceRevision` from hub `hubId`. A snapshot when
 * the agent has nothing (0), comes from another hub identity, is ahead of this hub, or asks for
 * history older than what compaction kept; otherwise the delta. One synchronous read: no write
 * can interleave, so `revision` covers exactly the rows returned.
 */
export function readSlice(store: Store, cluster: string, sinceRevision: number, hubId: string): SliceRead {
  const revision = store.meta.revision();
  const snapshot =
    sinceRevision === 0 ||
    (hubId !== '' && hubId !== store.meta.hubId()) ||
    sinceRevision > revision ||
    sinceRevision < store.meta.compactedRevision();
  if (snapshot) return { kind: 'snapshot', revision, rows: store.slices.listLive(cluster) };
  return {
    kind: 'delta',
    fromRevision: sinceRevision,
    revision,
    rows: store.slices.listSince(cluster, sinceRevision),
  };
}

/** Rows changed after `sinceRevision`, for live updates; the revision they bring the agent to. */
export function readChanges(
  store: Store,
  cluster: string,
  sinceRevision: number,
): { revision: number; rows: SliceRow[] } {
  return { revision: store.meta.revision(), rows: store.slices.listSince(cluster, sinceRevision) };
}
