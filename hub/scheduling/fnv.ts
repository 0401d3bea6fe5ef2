/**
 * 32-bit FNV-1 (multiply, then xor: not FNV-1a), as Go's hash/fnv New32 computes it. The replica
 * planner breaks weight ties with it so that plans match kubefed's byte for byte.
 */

const OFFSET_BASIS = 0x811c9dc5; // 2166136261
const PRIME = 0x01000193; // 16777619

/** FNV-1 32-bit hash of `bytes`, as an unsigned integer. */
export function fnv1_32(bytes: Uint8Array): number {
  let hash = OFFSET_BASIS;
  for (const byte of bytes) {
    hash = Math.imul(hash, PRIME) >>> 0;
    hash = (hash ^ byte) >>> 0;
  }
  return hash;
}
