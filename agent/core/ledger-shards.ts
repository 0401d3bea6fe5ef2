/**
 * Layout of the ownership ledger in ConfigMaps: entries spread over a power-of-two number of
 * shards by key hash, so one shard stays well under the 1 MiB object limit and a change to one
 * entry rewrites one shard.
 */
import { canonicalJson, computeFnv1a } from './canonical-json.ts';
import type { LedgerEntry } from './decide.ts';

/** Target size of one shard's JSON; the API server's limit is about 1.5 MB per object. */
export const LEDGER_SHARD_BYTES = 256 * 1024;

/** The JSON content of each shard, index = shard number. An empty ledger has one empty shard. */
export function computeLedgerShards(
  entries: ReadonlyMap<string, LedgerEntry>,
  shardBytes: number = LEDGER_SHARD_BYTES,
): string[] {
  const sized = [...entries].map(([k, e]) => [k, e, k.length + canonicalJson(e).length + 8] as const);
  const total = sized.reduce((n, [, , b]) => n + b, 0);
  let count = 1;
  while (count * shardBytes < total) count *= 2;
  for (;;) {
    const shards = Array.from({ length: count }, () => ({
      bytes: 0,
      entries: {} as Record<string, LedgerEntry>,
    }));
    for (const [k, e, b] of sized) {
      const s = shards[computeFnv1a(k) % count]!;
      s.entries[k] = e;
      s.bytes += b;
    }
    // An unlucky spread can overfill one shard: use twice as many.
    if (count >= 4096 || shards.every((s) => s.bytes <= shardBytes * 2))
      return shards.map((s) => canonicalJson(s.entries));
    count *= 2;
  }
}

/** Parses shard contents back into one map; entries that are not ledger records are dropped. */
export function parseLedgerShards(contents: readonly string[]): Map<string, LedgerEntry> {
  const out = new Map<string, LedgerEntry>();
  for (const c of contents) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(c);
    } catch {
      continue;
    }
    if (parsed === null || typeof parsed !== 'object') continue;
    for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
      const e = v as Partial<LedgerEntry> | null;
      if (
        e &&
        typeof e.hash === 'string' &&
        typeof e.hubId === 'string' &&
        typeof e.apiVersion === 'string'
      ) {
        out.set(k, {
          apiVersion: e.apiVersion,
          hash: e.hash,
          revision: typeof e.revision === 'number' ? e.revision : 0,
          hubId: e.hubId,
          ...(e.implicit ? { implicit: true } : {}),
        });
      }
    }
  }
  return out;
}
