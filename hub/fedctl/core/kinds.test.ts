// Pins how fedctl resolves the kind names users type (any case, singular, plural, short, kind.group) and each kind's scope.
import { describe, expect, it } from 'vitest';
import { BUILTIN_TYPES } from '../../core/type-registry.ts';
import { createKindCatalog, eventObjectOf, namespaceFor } from './kinds.ts';

const catalog = createKindCatalog([
  ...BUILTIN_TYPES,
  {
    federatedKind: 'FederatedWidget',
    target: { group: 'example.com', version: 'v1', kind: 'Widget' },
    namespaced: true,
    pluralName: 'widgets',
  },
]);

describe('resolving kind names', () => {
  it.each([
    ['the kind itself resolves', 'FederatedDeployment', 'FederatedDeployment'],
    ['the kind in lower case resolves', 'federateddeployment', 'FederatedDeployment'],
    ['the plural resolves', 'federateddeployments', 'FederatedDeployment'],
    ['the short name resolves', 'fdeploy', 'FederatedDeployment'],
    ['mixed case of the short name resolves', 'FDeploy', 'FederatedDeployment'],
    ['kind.group resolves', 'federateddeployments.types.kubefed.io', 'FederatedDeployment'],
    ['the plural of a kind ending in s gets es', 'federatedingresses', 'FederatedIngress'],
    ['fcm is a FederatedConfigMap', 'fcm', 'FederatedConfigMap'],
    ['fns is a FederatedNamespace', 'fns', 'FederatedNamespace'],
    ['rsp is a ReplicaSchedulingPreference', 'rsp', 'ReplicaSchedulingPreference'],
    ['clusters are clusters', 'clusters', 'Cluster'],
    ['cluster is a cluster', 'cluster', 'Cluster'],
    ['ev is an event', 'ev', 'Event'],
    [
      'a kind registered by a FederatedTypeConfig resolves by its plural',
      'federatedwidgets',
      'FederatedWidget',
    ],
  ])('%s', (_name, input, kind) => {
    expect(catalog.resolve(input)?.kind).toBe(kind);
  });

  it.each([['gizmos'], ['deployments'], ['']])('%j resolves to nothing', (input) => {
    expect(catalog.resolve(input)).toBeUndefined();
  });
});

describe('scopes', () => {
  it.each([
    ['a FederatedDeployment lives in the namespace asked for', 'fdeploy', 'web', 'demo', 'demo'],
    ['a FederatedNamespace lives in the namespace it names', 'fns', 'web', 'demo', 'web'],
    ['a FederatedClusterRole has no namespace', 'federatedclusterroles', 'admin', 'demo', ''],
    ['a FederatedTypeConfig has no namespace', 'ftc', 'widgets', 'demo', ''],
    ['a cluster has no namespace', 'clusters', 'a', 'demo', ''],
  ])('%s', (_name, kind, name, requested, expected) => {
    expect(namespaceFor(catalog.resolve(kind)!, name, requested)).toBe(expected);
  });
});

describe('eventObjectOf', () => {
  it.each([
    ['a cluster is Cluster/<name>', 'cluster', 'c1', 'demo', 'Cluster/c1'],
    [
      'a namespaced resource is <Kind>/<namespace>/<name>',
      'fdeploy',
      'web',
      'demo',
      'FederatedDeployment/demo/web',
    ],
    [
      'a cluster-scoped resource has an empty namespace',
      'federatedclusterroles',
      'r',
      'demo',
      'FederatedClusterRole//r',
    ],
  ])('%s', (_name, kind, name, ns, expected) => {
    expect(eventObjectOf(catalog.resolve(kind)!, name, ns)).toBe(expected);
  });
});
