/**
 * Turns submitted text into documents: YAML multi-document streams, a JSON object, a JSON array,
 * and `kind: List` wrappers, parsed the way kubectl reads them (YAML 1.1 scalars: `0644` is octal,
 * `yes` and `on` are true, timestamps stay strings). Validation of each document lives in
 * validate-document.ts and is re-exported here.
 */
import { parseAllDocuments, type Tags } from 'yaml';
import { ValidationError } from '../../shared/errors.ts';
import { describe, isObject, type JsonObject } from './fields.ts';

export { validateDocument } from './validate-document.ts';

/** Input that is not YAML or JSON documents, or a document that is not an object. */
export class MalformedDocumentError extends ValidationError {}

/** A document, or the number of documents, over a limit. */
export class DocumentLimitError extends ValidationError {}

export interface DocumentLimits {
  maxDocuments: number;
  /** Bytes of one document's source text (of its JSON text for an item of a JSON array or a List). */
  maxDocumentBytes: number;
  /** Deepest nesting of objects and arrays in one document. Default 100. */
  maxDepth?: number;
}

const DEFAULT_MAX_DEPTH = 100;

// kubectl reads YAML with YAML 1.1 scalars but keeps timestamps, base-60 numbers and binary as text.
const KUBECTL_TAGS = (tags: Tags): Tags =>
  tags.filter((t) => {
    const tag = typeof t === 'string' ? t : t.tag;
    const format = typeof t === 'string' ? undefined : t.format;
    return !/:(timestamp|binary|omap|pairs|set)$/.test(tag) && format !== 'TIME';
  });
const YAML_OPTIONS = { version: '1.1', schema: 'yaml-1.1', merge: true, customTags: KUBECTL_TAGS } as const;
const TO_JS_OPTIONS = { maxAliasCount: 100 };

const encoder = new TextEncoder();
const byteLength = (text: string) => encoder.encode(text).length;

/**
 * Parses `text` into its documents, in order. Empty documents (nothing, comments only, or null)
 * are skipped; a `kind: List` (and a top-level JSON array) contributes its items in its place.
 * Document numbers in errors are 1-based positions in the returned list, i.e. among the non-empty
 * documents after Lists are expanded.
 * @throws MalformedDocumentError (YAML errors carry line and column), DocumentLimitError.
 */
export function parseDocuments(text: string, limits: DocumentLimits): JsonObject[] {
  const out: JsonObject[] = [];
  const maxDepth = limits.maxDepth ?? DEFAULT_MAX_DEPTH;
  const push = (value: unknown, bytes: number, inList: boolean): void => {
    const index = out.length + 1;
    if (value === null || value === undefined) return;
    if (!isObject(value)) {
      throw new MalformedDocumentError('document', `must be an object, got ${describe(value)}`, index);
    }
    if (isList(value)) {
      if (inList) throw new MalformedDocumentError('items', 'a List may not contain another List', index);
      const items = value.items ?? [];
      if (!Array.isArray(items))
        throw new MalformedDocumentError('items', `must be a list, got ${describe(items)}`, index);
      for (const item of items) push(item, byteLength(JSON.stringify(item) ?? ''), true);
      return;
    }
    if (out.length >= limits.maxDocuments) {
      throw new DocumentLimitError('documents', `more than ${limits.maxDocuments} documents`, index);
    }
    if (bytes > limits.maxDocumentBytes) {
      throw new DocumentLimitError(
        'document',
        `is ${bytes} bytes, over the limit of ${limits.maxDocumentBytes}`,
        index,
      );
    }
    if (depthExceeds(value, maxDepth)) {
      throw new DocumentLimitError('document', `nests deeper than ${maxDepth} levels`, index);
    }
    out.push(value);
  };

  const json = parseJson(text);
  if (json.ok) {
    if (Array.isArray(json.value)) {
      for (const item of json.value) push(item, byteLength(JSON.stringify(item) ?? ''), true);
    } else {
      push(json.value, byteLength(text), false);
    }
    return out;
  }

  for (const doc of parseAllDocuments(text, YAML_OPTIONS)) {
    const index = out.length + 1;
    const [error] = doc.errors;
    if (error) {
      const reason = error.message.split('\n')[0]?.replace(/:$/, '') ?? error.code;
      throw new MalformedDocumentError('yaml', reason, index);
    }
    const [start, , end] = doc.range;
    let value: unknown;
    try {
      value = doc.toJS(TO_JS_OPTIONS);
    } catch (err) {
      // The alias limit guards against "billion laughs" documents.
      throw new MalformedDocumentError('yaml', err instanceof Error ? err.message : String(err), index);
    }
    push(value, byteLength(text.slice(start, end)), false);
  }
  return out;
}

/** JSON is tried first when the text looks like JSON, so that JSON errors do not surface as YAML ones. */
function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    // Flow-style YAML also starts with { or [; let the YAML parser decide and report.
    return { ok: false };
  }
}

function isList(value: JsonObject): boolean {
  return value.kind === 'List' && (value.apiVersion === 'v1' || value.apiVersion === undefined);
}

/** Whether objects and arrays in `value` nest deeper than `max` (iterative: no stack to overflow). */
function depthExceeds(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (typeof v !== 'object' || v === null) continue;
    if (depth > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}
