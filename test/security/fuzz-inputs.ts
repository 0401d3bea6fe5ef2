/**
 * Generators of hostile input for the fuzz suite: kubefed documents from the sample fixtures with
 * values replaced by odd ones (wrong types, out-of-range numbers, huge strings, unicode oddities,
 * deep nesting, prototype keys), the same as text with bytes edited, and random bytes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import YAML from 'yaml';

const SAMPLE_DIR = path.resolve(import.meta.dirname, '..', 'fixtures', 'kubefed-sample');

/** The kubefed sample documents, placed on the given clusters. */
export function sampleDocuments(clusters: [string, string]): string[] {
  return readdirSync(SAMPLE_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) =>
      readFileSync(path.join(SAMPLE_DIR, f), 'utf8')
        .replaceAll('cluster1', clusters[0])
        .replaceAll('cluster2', clusters[1]),
    );
}

/** Nesting `depth` levels of alternating objects and arrays. */
export function deep(depth: number): unknown {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i++) v = i % 2 === 0 ? { k: v } : [v];
  return v;
}

/** Values a field should never hold, or holds only at its edges. */
export const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    true,
    false,
    0,
    -1,
    1.5,
    2 ** 31,
    2 ** 53 + 2,
    -(2 ** 63),
    1e308,
    -1e308,
    '',
    ' ',
    '\u0000',
    '\ud800',
    '\u202egnp.exe',
    'ＦederatedDeployment',
    'e\u0301',
    '🙂'.repeat(300),
    'x'.repeat(70_000),
    '../../etc/passwd',
    '${jndi:ldap://x}',
    '%00',
    [],
    {},
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.integer({ min: 20, max: 1500 }).map(deep),
);

const oddKey = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('__proto__', 'constructor', 'prototype', '', '$ref', 'metadata', 'spec', 'kind'),
);

type Path = Array<string | number>;

function pathsOf(v: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  if (v !== null && typeof v === 'object') {
    for (const [k, child] of Object.entries(v)) {
      const p = [...prefix, Array.isArray(v) && /^\d+$/.test(k) ? Number(k) : k];
      out.push(p);
      pathsOf(child, p, out);
    }
  }
  return out;
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  // defineProperty, so `__proto__` becomes a real key instead of changing the prototype.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

interface Op {
  pick: number;
  kind: 'set' | 'delete' | 'add' | 'wrap';
  key: string;
  value: unknown;
}

function mutate(doc: unknown, ops: Op[]): unknown {
  let root = structuredClone(doc);
  for (const op of ops) {
    const paths = pathsOf(root);
    if (paths.length === 0) {
      root = structuredClone(op.value);
      continue;
    }
    const p = paths[op.pick % paths.length]!;
    const parent = p
      .slice(0, -1)
      .reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], root) as Record<string, unknown>;
    const key = String(p[p.length - 1]);
    const current = parent[key];
    // Values are copied in: a constant from the generator must not be shared or changed.
    const value = structuredClone(op.value);
    if (op.kind === 'set') setOwn(parent, key, value);
    else if (op.kind === 'delete') delete parent[key];
    else if (op.kind === 'wrap') setOwn(parent, key, [current]);
    else if (current !== null && typeof current === 'object' && !Array.isArray(current))
      setOwn(current as Record<string, unknown>, op.key, value);
    else setOwn(parent, op.key, value);
  }
  return root;
}

function serialize(value: unknown, format: 'json' | 'yaml'): string {
  if (format === 'yaml') {
    try {
      return YAML.stringify(value, { aliasDuplicateObjects: false });
    } catch {
      // Too deep or not representable: JSON is YAML too.
    }
  }
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    // Nested past what JSON.stringify can walk: send the deepest text instead.
    return `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
  }
}

/** A sample document with 1-4 structural mutations, as JSON or YAML text. */
export function mutatedDocument(samples: string[]): fc.Arbitrary<{ text: string; format: 'json' | 'yaml' }> {
  const parsed = samples.map((s) => YAML.parse(s) as unknown);
  return fc
    .record({
      base: fc.constantFrom(...parsed),
      ops: fc.array(
        fc.record({
          pick: fc.nat(),
          kind: fc.constantFrom<Op['kind']>('set', 'delete', 'add', 'wrap'),
          key: oddKey,
          value: oddValue,
        }),
        { minLength: 1, maxLength: 4 },
      ),
      format: fc.constantFrom<'json' | 'yaml'>('json', 'yaml'),
    })
    .map(({ base, ops, format }) => ({ text: serialize(mutate(base, ops), format), format }));
}

/** A sample document as text with a few characters deleted or inserted. */
export function editedText(samples: string[]): fc.Arbitrary<string> {
  return fc
    .record({
      base: fc.constantFrom(...samples),
      edits: fc.array(
        fc.record({
          at: fc.nat(),
          del: fc.nat({ max: 6 }),
          ins: fc.string({ unit: 'binary', maxLength: 6 }),
        }),
        { minLength: 1, maxLength: 5 },
      ),
    })
    .map(({ base, edits }) =>
      edits.reduce((text, e) => {
        const at = e.at % (text.length + 1);
        return text.slice(0, at) + e.ins + text.slice(at + e.del);
      }, base),
    );
}

export const randomBytes = fc.uint8Array({ maxLength: 2048 }).map((a) => Buffer.from(a));
