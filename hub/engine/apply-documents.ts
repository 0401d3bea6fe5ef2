import { ValidationError } from '../../shared/errors.ts';
import type { StoredResource } from '../core/model.ts';
import type { ResourceRecord } from '../store/records.ts';
import {
  canonicalJson,
  MalformedDocumentError,
  parseDocuments,
  typeRegistrationFromTypeConfig,
  validateDocument,
} from './core-port.ts';
import { recomputeSources, type SourceRef } from './recompute.ts';
import { RSP_KIND, TYPE_CONFIG_KIND, sourceOf } from './reconcile-slices.ts';
import { sha256Hex } from './secrets.ts';
import { loadRegistry } from './type-registry.ts';
import { runWrite, type WriteDeps } from './write-deps.ts';

export type ApplyOutcome = 'created' | 'configured' | 'unchanged';

export interface ApplyResult {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  result: ApplyOutcome;
  generation: number;
}

export interface ApplyOptions {
  /** Validate and report what would happen; nothing is stored. Default false. */
  dryRun?: boolean;
}

class DryRunRollback extends Error {
  constructor(readonly results: ApplyResult[]) {
    super('dry run');
  }
}

/**
 * Parses and validates every document before anything is written: one bad document rejects all.
 * Document numbers in errors are 1-based, as parseDocuments counts them.
 */
function validateAll(deps: WriteDeps, text: string): StoredResource[] {
  const docs = parseDocuments(text, deps.limits);
  if (docs.length === 0) throw new MalformedDocumentError('documents', 'no documents to apply');
  const kindOf = (d: unknown) =>
    d !== null && typeof d === 'object' ? (d as { kind?: unknown }).kind : undefined;
  const base = loadRegistry(deps.store);
  const configs = new Map<number, StoredResource>();
  docs.forEach((d, i) => {
    if (kindOf(d) === TYPE_CONFIG_KIND) configs.set(i, validateDocument(d, i + 1, base));
  });
  const registry = configs.size > 0 ? loadRegistry(deps.store, [...configs.values()]) : base;
  const seen = new Map<string, number>();
  return docs.map((d, i) => {
    const r = configs.get(i) ?? validateDocument(d, i + 1, registry);
    const id = sourceOf(r);
    const first = seen.get(id);
    if (first !== undefined)
      throw new ValidationError('metadata.name', `${id} is also document ${first}`, i + 1);
    seen.set(id, i + 1);
    return r;
  });
}

/** The federated resources whose member objects a changed document can move. */
function affectedBy(deps: WriteDeps, r: StoredResource, before: ResourceRecord | undefined): SourceRef[] {
  if (r.kind === RSP_KIND) {
    const kinds = new Set(
      [r, before].map((x) => (x?.body['spec'] as { targetKind?: unknown } | undefined)?.targetKind),
    );
    return [...kinds]
      .filter((k): k is string => typeof k === 'string')
      .map((kind) => ({ kind, namespace: r.namespace, name: r.name }));
  }
  if (r.kind === TYPE_CONFIG_KIND) {
    const kinds = new Set(
      [r, before]
        .filter((x) => x !== undefined)
        .map((x) => typeRegistrationFromTypeConfig(x.body).federatedKind),
    );
    return [...kinds].flatMap((kind) => deps.store.resources.list({ kind }));
  }
  return [r];
}

/**
 * The one submission path: creates or updates every document in one transaction. Unchanged
 * content is not written and takes no revision; changed content bumps the generation. Then the
 * member objects of every affected federated resource are recomputed and diffed into the slices.
 */
export function applyDocuments(deps: WriteDeps, text: string, opts: ApplyOptions = {}): ApplyResult[] {
  const resources = validateAll(deps, text);
  try {
    return runWrite(deps, (txn) => {
      const results: ApplyResult[] = [];
      const affected: SourceRef[] = [];
      for (const r of resources) {
        const before = txn.store.resources.get(r.kind, r.namespace, r.name);
        const hash = sha256Hex(canonicalJson(r.body));
        const base = { apiVersion: r.apiVersion, kind: r.kind, namespace: r.namespace, name: r.name };
        if (before?.hash === hash) {
          results.push({ ...base, result: 'unchanged', generation: before.generation });
          continue;
        }
        const generation = before ? before.generation + 1 : 1;
        txn.store.resources.upsert({
          ...r,
          generation,
          hash,
          createdAt: before?.createdAt ?? txn.now,
          updatedAt: txn.now,
        });
        results.push({ ...base, result: before ? 'configured' : 'created', generation });
        affected.push(...affectedBy(deps, r, before));
      }
      recomputeSources(deps, txn, affected);
      if (opts.dryRun) throw new DryRunRollback(results);
      return results;
    });
  } catch (err) {
    if (err instanceof DryRunRollback) return err.results;
    throw err;
  }
}
