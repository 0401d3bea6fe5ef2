// Pins document validation: federated kinds, scope rules, template/placement/overrides checks, RSPs, type configs, normalisation.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../shared/errors.ts';
import { parseDocuments, validateDocument } from './documents.ts';
import { createTypeRegistry } from './type-registry.ts';

const registry = createTypeRegistry();
const fed = (kind: string, metadata: Record<string, unknown>, spec: Record<string, unknown>) => ({
  apiVersion: 'types.kubefed.io/v1beta1',
  kind,
  metadata,
  spec,
});
const deployment = (spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}) =>
  fed(
    'FederatedDeployment',
    { name: 'web', namespace: 'shop', ...metadata },
    { template: { spec: { replicas: 3 } }, ...spec },
  );
const rsp = (spec: Record<string, unknown>) => ({
  apiVersion: 'scheduling.kubefed.io/v1alpha1',
  kind: 'ReplicaSchedulingPreference',
  metadata: { name: 'web', namespace: 'shop' },
  spec: { targetKind: 'FederatedDeployment', totalReplicas: 6, ...spec },
});
const ftc = {
  apiVersion: 'core.kubefed.io/v1beta1',
  kind: 'FederatedTypeConfig',
  metadata: { name: 'widgets.example.com', namespace: 'kube-federation-system' },
  spec: {
    targetType: {
      group: 'example.com',
      version: 'v1',
      kind: 'Widget',
      pluralName: 'widgets',
      scope: 'Namespaced',
    },
    federatedType: {
      group: 'types.kubefed.io',
      version: 'v1beta1',
      kind: 'FederatedWidget',
      pluralName: 'federatedwidgets',
      scope: 'Namespaced',
    },
    propagation: 'Enabled',
  },
};

describe('validateDocument', () => {
  it('accepts every kubefed sample unchanged', () => {
    const dir = path.resolve(import.meta.dirname, '../../test/fixtures/kubefed-sample');
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const docs = parseDocuments(readFileSync(path.join(dir, file), 'utf8'), {
        maxDocuments: 10,
        maxDocumentBytes: 1 << 20,
      });
      docs.forEach((d, i) => expect(() => validateDocument(d, i + 1, registry), file).not.toThrow());
    }
  });

  it('returns the identity, labels and a normalised body without status or server-set metadata', () => {
    const doc = deployment(
      {},
      {
        labels: { app: 'web' },
        uid: 'u',
        resourceVersion: '7',
        generation: 4,
        creationTimestamp: 'x',
        managedFields: [],
      },
    );
    const stored = validateDocument({ ...doc, status: { clusters: [] } }, 1, registry);
    expect(stored).toEqual({
      apiVersion: 'types.kubefed.io/v1beta1',
      kind: 'FederatedDeployment',
      namespace: 'shop',
      name: 'web',
      generation: 0,
      labels: { app: 'web' },
      body: deployment({}, { labels: { app: 'web' } }),
    });
  });

  it('does not modify the input', () => {
    const doc = { ...deployment({}, { uid: 'u' }), status: {} };
    const copy = structuredClone(doc);
    validateDocument(doc, 1, registry);
    expect(doc).toEqual(copy);
  });

  it.each<[string, unknown, string, string]>([
    [
      'a FederatedNamespace without a namespace lives in its own',
      fed('FederatedNamespace', { name: 'shop' }, { placement: { clusterSelector: {} } }),
      'shop',
      'shop',
    ],
    [
      'a FederatedNamespace in its own namespace',
      fed('FederatedNamespace', { name: 'shop', namespace: 'shop' }, { template: {} }),
      'shop',
      'shop',
    ],
    [
      'a cluster-scoped kind drops a namespace',
      fed('FederatedClusterRole', { name: 'reader', namespace: 'shop' }, { template: { rules: [] } }),
      '',
      'reader',
    ],
    ['a type config is cluster-wide', ftc, '', 'widgets.example.com'],
    ['an RSP keeps its namespace', rsp({}), 'shop', 'web'],
  ])('scope: %s', (_name, doc, namespace, name) => {
    const stored = validateDocument(doc, 1, registry);
    expect(stored).toMatchObject({ namespace, name });
    expect((stored.body.metadata as Record<string, unknown>).namespace).toBe(
      namespace === '' ? undefined : namespace,
    );
  });

  it('accepts a type from a FederatedTypeConfig once registered, and not before', () => {
    const widget = fed('FederatedWidget', { name: 'w', namespace: 'shop' }, { template: { spec: {} } });
    expect(() => validateDocument(widget, 1, registry)).toThrow(/unknown federated kind "FederatedWidget"/);
    const withWidget = createTypeRegistry([
      {
        federatedKind: 'FederatedWidget',
        target: { group: 'example.com', version: 'v1', kind: 'Widget' },
        namespaced: true,
      },
    ]);
    expect(validateDocument(widget, 1, withWidget).kind).toBe('FederatedWidget');
  });

  it.each<[string, unknown, string, RegExp]>([
    ['a document that is not an object', 'text', 'document', /must be an object/],
    ['a missing kind', { apiVersion: 'v1' }, 'kind', /must be a string/],
    [
      'an unknown kind',
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'a' } },
      'kind',
      /unknown kind "Deployment" in "apps\/v1"/,
    ],
    [
      'an unknown federated kind',
      fed('FederatedWidget', { name: 'a', namespace: 'b' }, {}),
      'kind',
      /unknown federated kind/,
    ],
    ['an unknown top-level field', { ...deployment(), extra: 1 }, 'extra', /unknown field/],
    ['a missing name', deployment({}, { name: undefined }), 'metadata.name', /is required/],
    [
      'a name that is not DNS-1123',
      deployment({}, { name: 'Web_1' }),
      'metadata.name',
      /lower case alphanumeric/,
    ],
    [
      'a name over 253 characters',
      deployment({}, { name: 'a'.repeat(254) }),
      'metadata.name',
      /253 characters/,
    ],
    [
      'a missing namespace on a namespaced kind',
      deployment({}, { namespace: undefined }),
      'metadata.namespace',
      /is required for this kind/,
    ],
    [
      'an invalid namespace',
      deployment({}, { namespace: 'a.b' }),
      'metadata.namespace',
      /lower case alphanumeric characters or '-'/,
    ],
    [
      'a FederatedNamespace in another namespace',
      fed('FederatedNamespace', { name: 'shop', namespace: 'other' }, {}),
      'metadata.namespace',
      /must be "shop", got "other"/,
    ],
    [
      'an invalid label',
      deployment({}, { labels: { 'a b': 'c' } }),
      'metadata.labels["a b"]',
      /invalid label key/,
    ],
    [
      'a non-string annotation',
      deployment({}, { annotations: { a: 1 } }),
      'metadata.annotations["a"]',
      /must be a string/,
    ],
    ['a missing spec', { ...deployment(), spec: undefined }, 'spec', /must be an object/],
    ['a misspelt spec field', deployment({ overide: [] }), 'spec.overide', /unknown field/],
    [
      'a template that is a list',
      deployment({ template: [] }),
      'spec.template',
      /must be an object, got an array/,
    ],
    [
      'a template of another kind',
      deployment({ template: { kind: 'StatefulSet' } }),
      'spec.template.kind',
      /must be Deployment or absent/,
    ],
    [
      'a template of another apiVersion',
      deployment({ template: { apiVersion: 'v1' } }),
      'spec.template.apiVersion',
      /must be apps\/v1 or absent/,
    ],
    [
      'negative replicas',
      deployment({ template: { spec: { replicas: -1 } } }),
      'spec.template.spec.replicas',
      /non-negative integer/,
    ],
    [
      'fractional replicas',
      deployment({ template: { spec: { replicas: 1.5 } } }),
      'spec.template.spec.replicas',
      /non-negative integer/,
    ],
    [
      'string replicas',
      deployment({ template: { spec: { replicas: '3' } } }),
      'spec.template.spec.replicas',
      /non-negative integer, got string "3"/,
    ],
    [
      'an invalid template label',
      deployment({ template: { metadata: { labels: { a: 'b c' } } } }),
      'spec.template.metadata.labels["a"]',
      /invalid label value/,
    ],
    [
      'placement clusters that are not a list',
      deployment({ placement: { clusters: 'c1' } }),
      'spec.placement.clusters',
      /must be a list/,
    ],
    [
      'a placement cluster without a name',
      deployment({ placement: { clusters: [{}] } }),
      'spec.placement.clusters[0].name',
      /must be a string/,
    ],
    [
      'an invalid cluster selector',
      deployment({ placement: { clusterSelector: { matchExpressions: [{ key: 'a', operator: 'In' }] } } }),
      'spec.placement.clusterSelector.matchExpressions[0].values',
      /non-empty/,
    ],
    [
      'a misspelt placement field',
      deployment({ placement: { cluster: [] } }),
      'spec.placement.cluster',
      /unknown field/,
    ],
    [
      'a forbidden override path',
      deployment({
        overrides: [{ clusterName: 'c1', clusterOverrides: [{ path: '/metadata/name', value: 'x' }] }],
      }),
      'spec.overrides[0].clusterOverrides[0].path',
      /may not be overridden/,
    ],
    [
      'a negative replicas override',
      deployment({
        overrides: [{ clusterName: 'c1', clusterOverrides: [{ path: '/spec/replicas', value: -2 }] }],
      }),
      'spec.overrides[0].clusterOverrides[0].value',
      /non-negative integer/,
    ],
    [
      'an RSP for another kind',
      rsp({ targetKind: 'FederatedStatefulSet' }),
      'spec.targetKind',
      /FederatedDeployment or FederatedReplicaSet/,
    ],
    ['an RSP without totalReplicas', rsp({ totalReplicas: undefined }), 'spec.totalReplicas', /is required/],
    [
      'an RSP with negative totalReplicas',
      rsp({ totalReplicas: -1 }),
      'spec.totalReplicas',
      /non-negative integer/,
    ],
    ['an RSP with a string rebalance', rsp({ rebalance: 'yes' }), 'spec.rebalance', /true or false/],
    [
      'an RSP with a numeric intersectWithClusterSelector',
      rsp({ intersectWithClusterSelector: 1 }),
      'spec.intersectWithClusterSelector',
      /true or false/,
    ],
    [
      'an RSP with max below min',
      rsp({ clusters: { c1: { minReplicas: 3, maxReplicas: 2 } } }),
      'spec.clusters["c1"].maxReplicas',
      /at least minReplicas \(3\)/,
    ],
    [
      'an RSP with a negative weight',
      rsp({ clusters: { '*': { weight: -1 } } }),
      'spec.clusters["*"].weight',
      /non-negative integer/,
    ],
    [
      'an RSP with a misspelt preference field',
      rsp({ clusters: { c1: { min: 1 } } }),
      'spec.clusters["c1"].min',
      /unknown field/,
    ],
    ['an RSP with clusters as a list', rsp({ clusters: [] }), 'spec.clusters', /map of cluster name/],
    [
      'an RSP without a namespace',
      { ...rsp({}), metadata: { name: 'web' } },
      'metadata.namespace',
      /is required/,
    ],
    [
      'a type config with a bad scope',
      { ...ftc, spec: { ...ftc.spec, targetType: { ...ftc.spec.targetType, scope: 'All' } } },
      'spec.targetType.scope',
      /Namespaced or Cluster/,
    ],
    [
      'a type config that conflicts with a built-in',
      {
        ...ftc,
        spec: { ...ftc.spec, federatedType: { ...ftc.spec.federatedType, kind: 'FederatedDeployment' } },
      },
      'spec.federatedType.kind',
      /already registered/,
    ],
  ])('rejects %s, naming the field', (_name, doc, field, reason) => {
    let thrown: unknown;
    try {
      validateDocument(doc, 4, registry);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect(thrown).toMatchObject({ field, document: 4 });
    expect((thrown as Error).message).toMatch(reason);
    expect((thrown as Error).message.startsWith('document 4: ')).toBe(true);
  });

  it.each<[string, unknown]>([
    ['an RSP with null maxReplicas and an empty clusters map', rsp({ clusters: {}, rebalance: true })],
    [
      'an RSP with "*" and named preferences',
      rsp({ clusters: { '*': { weight: 1 }, c1: { minReplicas: 1, maxReplicas: null, weight: 2 } } }),
    ],
    ['a missing template (kubefed reads it as {})', deployment({ template: undefined })],
    ['replicas 0 in the template', deployment({ template: { spec: { replicas: 0 } } })],
    ['a template without replicas', deployment({ template: { spec: {} } })],
    [
      'a remove override of replicas',
      deployment({
        overrides: [{ clusterName: 'c1', clusterOverrides: [{ op: 'remove', path: '/spec/replicas' }] }],
      }),
    ],
    ['null placement fields', deployment({ placement: { clusters: null, clusterSelector: null } })],
  ])('accepts %s', (_name, doc) => {
    expect(() => validateDocument(doc, 1, registry)).not.toThrow();
  });
});
