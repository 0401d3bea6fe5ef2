/**
 * kubefed overrides: per-cluster RFC 6902 patches of the template, checked at submission and
 * applied when member objects are computed.
 */
import jsonpatch from 'fast-json-patch';
import { ValidationError } from '../../shared/errors.ts';
import { describe, expectKnownKeys, expectObject, expectString, type JsonObject } from './fields.ts';
import type { ClusterOverride, Override, OverrideOp } from './model.ts';

const OPS: readonly OverrideOp[] = ['add', 'remove', 'replace'];

/**
 * Paths no override may touch. Name and namespace tie a member object to its federated resource,
 * and kind comes from the type registry (kubefed forbids these four). kubefed lets apiVersion be
 * overridden; fedhub does not, because member objects are keyed and tracked by group and kind,
 * and an override moving one cluster's object to another group would break that identity.
 */
export const FORBIDDEN_OVERRIDE_PATHS: readonly string[] = [
  '/metadata/name',
  '/metadata/namespace',
  '/metadata/generateName',
  '/kind',
  '/apiVersion',
];

const JSON_POINTER = /^(\/([^~]|~[01])*)+$/;

/**
 * Checks `spec.overrides` and returns it typed (absent or null is []). Rejects: a forbidden path,
 * the same clusterName twice, the same path twice for one cluster, an unknown op, a path that is
 * not a JSON pointer, add/replace without a value, and unknown fields.
 * @throws ValidationError naming the field, e.g. `spec.overrides[0].clusterOverrides[1].path`.
 */
export function validateOverrides(overrides: unknown, field: string, document?: number): Override[] {
  if (overrides === undefined || overrides === null) return [];
  if (!Array.isArray(overrides)) {
    throw new ValidationError(field, `must be a list, got ${describe(overrides)}`, document);
  }
  const clusters = new Map<string, number>();
  return overrides.map((item, i): Override => {
    const itemField = `${field}[${i}]`;
    const obj = expectObject(item, itemField, document);
    expectKnownKeys(obj, ['clusterName', 'clusterOverrides'], itemField, document);
    const clusterName = expectString(obj.clusterName, `${itemField}.clusterName`, document);
    if (clusterName === '')
      throw new ValidationError(`${itemField}.clusterName`, 'must not be empty', document);
    const earlier = clusters.get(clusterName);
    if (earlier !== undefined) {
      throw new ValidationError(
        `${itemField}.clusterName`,
        `cluster "${clusterName}" already has overrides at ${field}[${earlier}]`,
        document,
      );
    }
    clusters.set(clusterName, i);
    const list = obj.clusterOverrides ?? [];
    if (!Array.isArray(list)) {
      throw new ValidationError(
        `${itemField}.clusterOverrides`,
        `must be a list, got ${describe(list)}`,
        document,
      );
    }
    const paths = new Set<string>();
    const clusterOverrides = list.map((o, j) =>
      validateClusterOverride(o, `${itemField}.clusterOverrides[${j}]`, paths, document),
    );
    return { clusterName, clusterOverrides };
  });
}

function validateClusterOverride(
  value: unknown,
  field: string,
  paths: Set<string>,
  document: number | undefined,
): ClusterOverride {
  const obj = expectObject(value, field, document);
  expectKnownKeys(obj, ['op', 'path', 'value'], field, document);
  const op = obj.op ?? 'replace';
  if (typeof op !== 'string' || !(OPS as readonly string[]).includes(op)) {
    throw new ValidationError(
      `${field}.op`,
      `unknown op ${describe(op)} (expected add, remove or replace)`,
      document,
    );
  }
  const path = expectString(obj.path, `${field}.path`, document);
  if (!JSON_POINTER.test(path)) {
    throw new ValidationError(
      `${field}.path`,
      `${JSON.stringify(path)} is not a JSON pointer to a field (like /spec/replicas; "~" must be written ~0 and "/" inside a key ~1)`,
      document,
    );
  }
  if (FORBIDDEN_OVERRIDE_PATHS.includes(path)) {
    throw new ValidationError(`${field}.path`, `${path} may not be overridden`, document);
  }
  if (paths.has(path)) {
    throw new ValidationError(
      `${field}.path`,
      `${path} is overridden more than once for this cluster`,
      document,
    );
  }
  paths.add(path);
  if (op !== 'remove' && !Object.hasOwn(obj, 'value')) {
    throw new ValidationError(`${field}.value`, `is required when op is ${op}`, document);
  }
  return op === 'remove' ? { op, path } : { op: op as OverrideOp, path, value: obj.value };
}

export type ApplyOverridesResult = { ok: true; value: JsonObject } | { ok: false; message: string };

const FAILURES: Record<string, string> = {
  OPERATION_PATH_UNRESOLVABLE: 'the path does not exist in the template',
  OPERATION_PATH_CANNOT_ADD: 'the parent of the path does not exist in the template',
  OPERATION_VALUE_OUT_OF_BOUNDS: 'the array index is out of range',
  OPERATION_PATH_ILLEGAL_ARRAY_INDEX: 'the array index is not a number',
  OPERATION_VALUE_REQUIRED: 'a value is required',
};

/**
 * Applies one cluster's overrides to `obj` as a single RFC 6902 patch, in order (op defaults to
 * replace). Never mutates `obj` or the overrides. A patch that does not fit the template (missing
 * parent path, out-of-range index, replace or remove of a missing path) is returned as
 * `{ ok: false, message }` naming the override and the reason, so that the caller can record
 * ApplyOverridesFailed for that cluster.
 */
export function applyOverrides(
  obj: JsonObject,
  clusterOverrides: readonly ClusterOverride[],
): ApplyOverridesResult {
  const patch = clusterOverrides.map((o) =>
    (o.op ?? 'replace') === 'remove'
      ? { op: 'remove' as const, path: o.path }
      : { op: (o.op ?? 'replace') as 'add' | 'replace', path: o.path, value: structuredClone(o.value) },
  );
  // One operation at a time on one private copy: the library reports the failing index unreliably.
  let doc: unknown = jsonpatch.deepClone(obj);
  for (const [index, op] of patch.entries()) {
    try {
      doc = jsonpatch.applyOperation(doc, op, true, true, true, index).newDocument;
    } catch (err) {
      if (!(err instanceof jsonpatch.JsonPatchError)) throw err;
      const reason = FAILURES[err.name] ?? (err.message.split('\n')[0] as string);
      return { ok: false, message: `override ${index} (${op.op} ${op.path}): ${reason}` };
    }
  }
  if (!isPlain(doc)) return { ok: false, message: 'the overrides replaced the whole object' };
  return { ok: true, value: doc };
}

function isPlain(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
