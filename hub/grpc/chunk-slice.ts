import type { SliceRow } from '../store/records.ts';
import type { SliceObjectMsg } from './agent-wire.ts';

/** Fixed per-object overhead counted against the chunk budget (key, hash, source, framing). */
const OBJECT_OVERHEAD = 256;

export interface ChunkLimits {
  maxBytes: number;
  maxObjects: number;
}

export function toSliceObject(row: SliceRow): SliceObjectMsg {
  return {
    key: row.key,
    revision: row.revision,
    deleted: row.deleted,
    manifest: row.manifest === null ? Buffer.alloc(0) : Buffer.from(row.manifest, 'utf8'),
    hash: row.hash,
    source: row.source,
  };
}

/**
 * Splits rows into chunks of at most maxObjects and (roughly) maxBytes each, keeping order. An
 * object larger than maxBytes travels alone. Always at least one chunk, possibly empty, so a
 * snapshot of nothing still says "complete".
 */
export function chunkSlice(rows: SliceRow[], limits: ChunkLimits): SliceObjectMsg[][] {
  const chunks: SliceObjectMsg[][] = [];
  let current: SliceObjectMsg[] = [];
  let bytes = 0;
  for (const row of rows) {
    const msg = toSliceObject(row);
    const size = msg.manifest.length + row.key.length + row.source.length + OBJECT_OVERHEAD;
    if (current.length > 0 && (bytes + size > limits.maxBytes || current.length >= limits.maxObjects)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(msg);
    bytes += size;
  }
  chunks.push(current);
  return chunks;
}
