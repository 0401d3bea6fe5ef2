/**
 * Kubernetes resource quantities, enough to sum node allocatable: "4", "3500m", "16Gi", "1e3".
 * Values are summed in milli-units (bigint), so cpu and memory keep their exactness.
 */

const SUFFIX: Record<string, bigint> = {
  '': 1000n,
  m: 1n,
  k: 1000n * 1000n,
  M: 1000n * 1000n ** 2n,
  G: 1000n * 1000n ** 3n,
  T: 1000n * 1000n ** 4n,
  P: 1000n * 1000n ** 5n,
  E: 1000n * 1000n ** 6n,
  Ki: 1000n * 1024n,
  Mi: 1000n * 1024n ** 2n,
  Gi: 1000n * 1024n ** 3n,
  Ti: 1000n * 1024n ** 4n,
  Pi: 1000n * 1024n ** 5n,
  Ei: 1000n * 1024n ** 6n,
};

const QUANTITY = /^([+-]?)(\d+)(?:\.(\d+))?(?:(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/;

/** A quantity in milli-units, or undefined when `q` is not a quantity. Fractions below 1m round up. */
export function parseQuantityMilli(q: string): bigint | undefined {
  const m = QUANTITY.exec(q.trim());
  if (!m) return undefined;
  const [, sign, int, frac = '', suffix = '', exp] = m;
  let milli: bigint;
  const digits = BigInt(`${int}${frac}`);
  const scale = 10n ** BigInt(frac.length);
  if (exp !== undefined) {
    const e = Number(exp);
    if (Math.abs(e) > 30) return undefined;
    const num = digits * 1000n * (e >= 0 ? 10n ** BigInt(e) : 1n);
    const den = scale * (e < 0 ? 10n ** BigInt(-e) : 1n);
    milli = (num + den - 1n) / den;
  } else {
    const mult = SUFFIX[suffix];
    if (mult === undefined) return undefined;
    milli = (digits * mult + scale - 1n) / scale;
  }
  return sign === '-' ? -milli : milli;
}

/** Milli-units as a quantity string: whole units when exact ("12"), else milli ("3500m"). */
export function formatQuantityMilli(milli: bigint): string {
  return milli % 1000n === 0n ? String(milli / 1000n) : `${milli}m`;
}

/** Sums maps of quantities by resource name; unparseable values are skipped. */
export function sumQuantities(maps: ReadonlyArray<Record<string, string>>): Record<string, string> {
  const sums = new Map<string, bigint>();
  for (const m of maps) {
    for (const [name, q] of Object.entries(m)) {
      const v = parseQuantityMilli(q);
      if (v !== undefined) sums.set(name, (sums.get(name) ?? 0n) + v);
    }
  }
  return Object.fromEntries(
    [...sums].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, formatQuantityMilli(v)]),
  );
}
