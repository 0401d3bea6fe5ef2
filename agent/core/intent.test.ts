// Pins what the agent applies for a desired manifest (server-owned fields out, managed-by label and hash in) and the check that a manifest matches its key.
import { describe, expect, it } from 'vitest';
import { MANAGED_BY_LABEL } from '../../shared/vocabulary.ts';
import { checkManifestKey, computeApplyIntent, HASH_ANNOTATION, SOURCE_ANNOTATION } from './intent.ts';

const manifest = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'web',
    namespace: 'shop',
    labels: { app: 'web' },
    resourceVersion: '9',
    uid: 'u',
    managedFields: [],
  },
  spec: { replicas: 2 },
  status: { readyReplicas: 1 },
};

describe('computeApplyIntent', () => {
  const intent = computeApplyIntent({
    key: 'apps/Deployment/shop/web',
    revision: 3,
    hash: 'abc',
    source: 'FederatedDeployment/shop/web',
    manifest,
  });
  const md = intent['metadata'] as Record<string, Record<string, string>>;

  it.each([
    ['status is dropped', () => expect(intent['status']).toBeUndefined()],
    [
      'server-owned metadata is dropped',
      () => expect(Object.keys(md)).toEqual(['name', 'namespace', 'labels', 'annotations']),
    ],
    [
      'own labels are kept and the managed-by label added',
      () => expect(md['labels']).toEqual({ app: 'web', [MANAGED_BY_LABEL]: 'fedhub' }),
    ],
    [
      'the hash and source are annotated',
      () =>
        expect(md['annotations']).toEqual({
          [HASH_ANNOTATION]: 'abc',
          [SOURCE_ANNOTATION]: 'FederatedDeployment/shop/web',
        }),
    ],
    ['the spec is untouched', () => expect(intent['spec']).toEqual({ replicas: 2 })],
  ])('%s', (_n, check) => check());
});

describe('checkManifestKey', () => {
  it.each<[string, string, Record<string, unknown>, string | undefined]>([
    ['a matching manifest passes', 'apps/Deployment/shop/web', manifest, undefined],
    [
      'a cluster-scoped manifest passes',
      'core/Namespace//shop',
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
      undefined,
    ],
    [
      'another group is refused',
      'batch/Deployment/shop/web',
      manifest,
      'manifest apiVersion apps/v1 does not match key batch/Deployment/shop/web',
    ],
    [
      'another name is refused',
      'apps/Deployment/shop/api',
      manifest,
      'manifest metadata.name does not match key apps/Deployment/shop/api',
    ],
    [
      'another namespace is refused',
      'apps/Deployment/other/web',
      manifest,
      'manifest metadata.namespace does not match key apps/Deployment/other/web',
    ],
    [
      'a missing apiVersion is refused',
      'apps/Deployment/shop/web',
      { kind: 'Deployment' },
      'manifest has no apiVersion',
    ],
  ])('%s', (_n, key, m, expected) => {
    expect(checkManifestKey(key, m)).toBe(expected);
  });
});
