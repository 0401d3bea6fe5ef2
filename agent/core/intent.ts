/**
 * The object the agent server-side-applies for a desired manifest: the hub's manifest without
 * server-owned fields, plus the managed-by label and annotations naming the content hash and
 * the federated source, so anyone looking at the member can tell where it came from.
 */
import { fromObjectKey, splitApiVersion } from '../../shared/object-key.ts';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../../shared/vocabulary.ts';
import type { DesiredObject } from './desired-set.ts';

export const HASH_ANNOTATION = 'fedhub.io/hash';
export const SOURCE_ANNOTATION = 'fedhub.io/source';

const SERVER_OWNED_METADATA = [
  'resourceVersion',
  'uid',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'generation',
  'managedFields',
  'selfLink',
];

function asRecord(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export function computeApplyIntent(desired: DesiredObject): Record<string, unknown> {
  const { status: _status, ...rest } = desired.manifest;
  const metadata = { ...asRecord(rest['metadata']) };
  for (const f of SERVER_OWNED_METADATA) delete metadata[f];
  metadata['labels'] = { ...asRecord(metadata['labels']), [MANAGED_BY_LABEL]: MANAGED_BY_VALUE };
  metadata['annotations'] = {
    ...asRecord(metadata['annotations']),
    [HASH_ANNOTATION]: desired.hash,
    [SOURCE_ANNOTATION]: desired.source,
  };
  return { ...rest, metadata };
}

/** A namespace the agent creates because a desired object lives in it and nothing else made it. */
export function computeImplicitNamespace(name: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE } },
  };
}

/** Why a manifest cannot be applied under `key` (its identity differs), or undefined when it can. */
export function checkManifestKey(key: string, manifest: Record<string, unknown>): string | undefined {
  const ref = fromObjectKey(key);
  const md = asRecord(manifest['metadata']);
  const apiVersion = manifest['apiVersion'];
  if (typeof apiVersion !== 'string' || apiVersion === '') return 'manifest has no apiVersion';
  if (splitApiVersion(apiVersion).group !== ref.group)
    return `manifest apiVersion ${apiVersion} does not match key ${key}`;
  if (manifest['kind'] !== ref.kind) return `manifest kind does not match key ${key}`;
  if (md['name'] !== ref.name) return `manifest metadata.name does not match key ${key}`;
  if ((md['namespace'] ?? '') !== ref.namespace)
    return `manifest metadata.namespace does not match key ${key}`;
  return undefined;
}
