// Pins `fedctl federate`: plain manifests become kubefed Federated<Kind> documents with a clean template and the asked placement.
import { describe, expect, it } from 'vitest';
import { BUILTIN_TYPES } from '../../core/type-registry.ts';
import { federateManifests, toTemplate } from './federate.ts';

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'web',
    namespace: 'demo',
    uid: 'u',
    resourceVersion: '7',
    generation: 3,
    creationTimestamp: '2026-01-01T00:00:00Z',
    managedFields: [{}],
    ownerReferences: [{}],
    labels: { app: 'web' },
    annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', keep: 'me' },
  },
  spec: { replicas: 2 },
  status: { replicas: 2 },
};

const run = (
  documents: unknown[],
  placement: Parameters<typeof federateManifests>[0]['placement'] = { clusters: ['a', 'b'] },
) => federateManifests({ documents, registrations: BUILTIN_TYPES, placement, source: 'app.yaml' });

describe('federateManifests', () => {
  it('wraps a Deployment as a FederatedDeployment placed on the named clusters', () => {
    expect(run([deployment])).toEqual([
      {
        apiVersion: 'types.kubefed.io/v1beta1',
        kind: 'FederatedDeployment',
        metadata: { name: 'web', namespace: 'demo', labels: { app: 'web' } },
        spec: {
          template: {
            metadata: { labels: { app: 'web' }, annotations: { keep: 'me' } },
            spec: { replicas: 2 },
          },
          placement: { clusters: [{ name: 'a' }, { name: 'b' }] },
        },
      },
    ]);
  });

  it('places by cluster selector', () => {
    expect(run([deployment], { matchLabels: { env: 'prod' } })[0]!['spec']).toMatchObject({
      placement: { clusterSelector: { matchLabels: { env: 'prod' } } },
    });
  });

  it.each([
    [
      'a namespaced object without a namespace gets the default one',
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } },
      { name: 'c', namespace: 'default' },
    ],
    [
      'a Namespace becomes a FederatedNamespace in itself',
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web' } },
      { name: 'web', namespace: 'web' },
    ],
    [
      'a ClusterRole stays cluster-scoped',
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'r', namespace: 'x' },
      },
      { name: 'r' },
    ],
  ])('%s', (_name, doc, metadata) => {
    expect(run([doc])[0]!['metadata']).toEqual(metadata);
  });

  it('drops a Service cluster IP but keeps a headless one', () => {
    const svc = (clusterIP: string) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's' },
      spec: { clusterIP, clusterIPs: [clusterIP] },
    });
    expect(toTemplate(svc('10.0.0.1'))).toEqual({ spec: {} });
    expect(toTemplate(svc('None'))).toEqual({ spec: { clusterIP: 'None', clusterIPs: ['None'] } });
  });

  it('does not change its input', () => {
    const copy = structuredClone(deployment);
    run([deployment]);
    expect(deployment).toEqual(copy);
  });

  it.each([
    [
      'a document without a name',
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} },
      /document 1 of app\.yaml: apiVersion, kind and metadata\.name are required/,
    ],
    [
      'a kind without a federated type',
      { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } },
      /no federated type for example\.com\/v1 Widget/,
    ],
    [
      'an already federated document',
      { apiVersion: 'types.kubefed.io/v1beta1', kind: 'FederatedDeployment', metadata: { name: 'w' } },
      /already a kubefed kind/,
    ],
    ['a scalar', 'hello', /not an object/],
  ])('rejects %s naming the document', (_name, doc, message) => {
    expect(() => run([doc])).toThrow(message);
  });
});
