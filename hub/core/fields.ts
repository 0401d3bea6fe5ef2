/**
 * Small checks shared by the validators of the hub core: Kubernetes name and label syntax, and
 * typed reads of untrusted JSON values. Each throws shared ValidationError naming the field.
 */
import { ValidationError } from '../../shared/errors.ts';

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

export function expectObject(value: unknown, field: string, document?: number): JsonObject {
  if (!isObject(value))
    throw new ValidationError(field, `must be an object, got ${describe(value)}`, document);
  return value;
}

export function expectString(value: unknown, field: string, document?: number): string {
  if (typeof value !== 'string')
    throw new ValidationError(field, `must be a string, got ${describe(value)}`, document);
  return value;
}

export function expectBoolean(value: unknown, field: string, document?: number): boolean {
  if (typeof value !== 'boolean') {
    throw new ValidationError(field, `must be true or false, got ${describe(value)}`, document);
  }
  return value;
}

/** A non-negative integer no larger than max (default: the int32 limit Kubernetes uses for replicas). */
export function expectCount(value: unknown, field: string, document?: number, max = 2147483647): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new ValidationError(field, `must be a non-negative integer, got ${describe(value)}`, document);
  }
  if (value > max) throw new ValidationError(field, `must be at most ${max}, got ${value}`, document);
  return value;
}

/** Rejects keys outside `allowed`, so that a misspelt field is an error rather than ignored. */
export function expectKnownKeys(
  obj: JsonObject,
  allowed: readonly string[],
  field: string,
  document?: number,
): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      throw new ValidationError(
        field === '' ? key : `${field}.${key}`,
        `unknown field (expected one of ${allowed.join(', ')})`,
        document,
      );
    }
  }
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** Why `name` is not a DNS-1123 subdomain (object names), or undefined when it is one. */
export function dns1123SubdomainError(name: string): string | undefined {
  if (name.length > 253) return 'must be no more than 253 characters';
  if (!DNS1123_SUBDOMAIN.test(name)) {
    return "must consist of lower case alphanumeric characters, '-' or '.', and start and end with an alphanumeric character";
  }
  return undefined;
}

/** Why `name` is not a DNS-1123 label (namespace names), or undefined when it is one. */
export function dns1123LabelError(name: string): string | undefined {
  if (name.length > 63) return 'must be no more than 63 characters';
  if (!DNS1123_LABEL.test(name)) {
    return "must consist of lower case alphanumeric characters or '-', and start and end with an alphanumeric character";
  }
  return undefined;
}

/** Why `key` is not a valid label key ([prefix/]name), or undefined when it is one. */
export function labelKeyError(key: string): string | undefined {
  const slash = key.indexOf('/');
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (slash >= 0) {
    const prefix = key.slice(0, slash);
    if (prefix === '') return 'prefix part must be non-empty';
    const prefixError = dns1123SubdomainError(prefix);
    if (prefixError) return `prefix part ${prefixError}`;
  }
  if (name === '') return 'name part must be non-empty';
  if (name.length > 63) return 'name part must be no more than 63 characters';
  if (!QUALIFIED_NAME.test(name)) {
    return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  }
  return undefined;
}

/** Why `value` is not a valid label value (empty is valid), or undefined when it is one. */
export function labelValueError(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > 63) return 'must be no more than 63 characters';
  if (!QUALIFIED_NAME.test(value)) {
    return "must be empty or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  }
  return undefined;
}

/** Checks a map of labels (metadata.labels, matchLabels) and returns it typed. */
export function expectLabels(value: unknown, field: string, document?: number): Record<string, string> {
  const obj = expectObject(value, field, document);
  for (const [key, v] of Object.entries(obj)) {
    const keyError = labelKeyError(key);
    if (keyError)
      throw new ValidationError(
        `${field}[${JSON.stringify(key)}]`,
        `invalid label key: ${keyError}`,
        document,
      );
    if (typeof v !== 'string') {
      throw new ValidationError(
        `${field}[${JSON.stringify(key)}]`,
        `must be a string, got ${describe(v)}`,
        document,
      );
    }
    const valueError = labelValueError(v);
    if (valueError) {
      throw new ValidationError(
        `${field}[${JSON.stringify(key)}]`,
        `invalid label value: ${valueError}`,
        document,
      );
    }
  }
  return obj as Record<string, string>;
}

/** The segments of a JSON pointer ("/spec/replicas" -> ["spec", "replicas"]), unescaped. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The value at `pointer` inside nested objects, or undefined when a step is missing. */
export function readPointer(obj: unknown, pointer: string): unknown {
  let cur: unknown = obj;
  for (const seg of pointerSegments(pointer)) {
    if (!isObject(cur) || !Object.hasOwn(cur, seg)) return undefined;
    cur = cur[seg];
  }
  return cur;
}

/**
 * Sets the value at `pointer` in place, creating missing objects on the way. Returns false (and
 * changes nothing) when a step on the way exists but is not an object.
 */
export function writePointer(obj: JsonObject, pointer: string, value: unknown): boolean {
  const segs = pointerSegments(pointer);
  const last = segs.pop();
  if (last === undefined) return false;
  let cur: JsonObject = obj;
  for (const [i, seg] of segs.entries()) {
    const next = cur[seg];
    if (next === undefined) {
      // Build the missing tail off to the side, so that a failure changes nothing.
      const tail: JsonObject = {};
      let t = tail;
      for (const s of segs.slice(i + 1)) t = t[s] = {};
      t[last] = value;
      cur[seg] = tail;
      return true;
    }
    if (!isObject(next)) return false;
    cur = next;
  }
  cur[last] = value;
  return true;
}
