/**
 * Canonical JSON: the text whose hash identifies content. Hashing itself belongs to the store
 * (the core does no crypto); the core only guarantees that equal values give equal text.
 */

/**
 * JSON with object keys sorted (by UTF-16 code units) at every level and no whitespace. Like
 * JSON.stringify, it omits undefined and function members of objects, writes them as null inside
 * arrays, honours toJSON, and throws TypeError on bigint and on cycles.
 */
export function canonicalJson(value: unknown): string {
  return write(value, new Set());
}

function write(value: unknown, ancestors: Set<object>): string {
  if (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  ) {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  if (typeof value === 'bigint') throw new TypeError('canonicalJson: bigint is not JSON');
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (ancestors.has(value)) throw new TypeError('canonicalJson: cyclic value');
  ancestors.add(value);
  let out: string;
  if (Array.isArray(value)) {
    out = `[${value.map((v) => (v === undefined || typeof v === 'function' ? 'null' : write(v, ancestors))).join(',')}]`;
  } else {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined && typeof v !== 'function')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    out = `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${write(v, ancestors)}`).join(',')}}`;
  }
  ancestors.delete(value);
  return out;
}
