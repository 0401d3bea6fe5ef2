// Pins the built-in federated types, registry lookups and conflicts, and FederatedTypeConfig conversion.
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../shared/errors.ts';
import type { TypeRegistration } from './model.ts';
import { BUILTIN_TYPES, createTypeRegistry, typeRegistrationFromTypeConfig } from './type-registry.ts';

const widget: TypeRegistration = {
  federatedKind: 'FederatedWidget',
  target: { group: 'example.com', version: 'v1', kind: 'Widget' },
  namespaced: true,
  pluralName: 'widgets',
};

describe('built-in types', () => {
  it.each<[string, string, string, string, boolean, string | undefined]>([
    ['FederatedNamespace', '', 'v1', 'Namespace', false, undefined],
    ['FederatedConfigMap', '', 'v1', 'ConfigMap', true, undefined],
    ['FederatedSecret', '', 'v1', 'Secret', true, undefined],
    ['FederatedService', '', 'v1', 'Service', true, undefined],
    ['FederatedServiceAccount', '', 'v1', 'ServiceAccount', true, undefined],
    ['FederatedDeployment', 'apps', 'v1', 'Deployment', true, '/spec/replicas'],
    ['FederatedReplicaSet', 'apps', 'v1', 'ReplicaSet', true, '/spec/replicas'],
    ['FederatedStatefulSet', 'apps', 'v1', 'StatefulSet', true, '/spec/replicas'],
    ['FederatedDaemonSet', 'apps', 'v1', 'DaemonSet', true, undefined],
    ['FederatedJob', 'batch', 'v1', 'Job', true, undefined],
    ['FederatedCronJob', 'batch', 'v1', 'CronJob', true, undefined],
    ['FederatedIngress', 'networking.k8s.io', 'v1', 'Ingress', true, undefined],
    ['FederatedClusterRole', 'rbac.authorization.k8s.io', 'v1', 'ClusterRole', false, undefined],
    [
      'FederatedClusterRoleBinding',
      'rbac.authorization.k8s.io',
      'v1',
      'ClusterRoleBinding',
      false,
      undefined,
    ],
    ['FederatedRole', 'rbac.authorization.k8s.io', 'v1', 'Role', true, undefined],
    ['FederatedRoleBinding', 'rbac.authorization.k8s.io', 'v1', 'RoleBinding', true, undefined],
    [
      'FederatedCustomResourceDefinition',
      'apiextensions.k8s.io',
      'v1',
      'CustomResourceDefinition',
      false,
      undefined,
    ],
  ])(
    '%s targets %s/%s %s (namespaced %s, replicas at %s)',
    (fedKind, group, version, kind, namespaced, replicasPath) => {
      const reg = createTypeRegistry().byFederatedKind(fedKind);
      expect(reg).toMatchObject({ target: { group, version, kind }, namespaced });
      expect(reg?.replicasPath).toBe(replicasPath);
      expect(createTypeRegistry().byTarget(group, kind)).toEqual(reg);
    },
  );

  it('has exactly the seventeen kinds of the issue', () => {
    expect(BUILTIN_TYPES).toHaveLength(17);
  });
});

describe('createTypeRegistry', () => {
  it('adds extra registrations, found by federated kind and by target whatever the version', () => {
    const registry = createTypeRegistry([widget]);
    expect(registry.byFederatedKind('FederatedWidget')).toEqual(widget);
    expect(registry.byTarget('example.com', 'Widget')).toEqual(widget);
    expect(registry.list().map((r) => r.federatedKind)).toContain('FederatedWidget');
  });

  it('returns undefined for unknown kinds and targets', () => {
    const registry = createTypeRegistry();
    expect(registry.byFederatedKind('FederatedWidget')).toBeUndefined();
    expect(registry.byTarget('apps', 'Widget')).toBeUndefined();
  });

  it('accepts a repeat of a built-in (kubefed ships FederatedTypeConfigs for them) and keeps the built-in', () => {
    const repeat: TypeRegistration = {
      federatedKind: 'FederatedDeployment',
      target: { group: 'apps', version: 'v1', kind: 'Deployment' },
      namespaced: true,
    };
    expect(createTypeRegistry([repeat]).byFederatedKind('FederatedDeployment')?.replicasPath).toBe(
      '/spec/replicas',
    );
  });

  it.each<[string, TypeRegistration[], RegExp]>([
    [
      'a federated kind taken for another target',
      [{ ...widget, federatedKind: 'FederatedDeployment' }],
      /FederatedDeployment is already registered for apps\/v1 Deployment/,
    ],
    [
      'a target already federated under another kind',
      [{ ...widget, target: { group: 'apps', version: 'v1', kind: 'Deployment' } }],
      /apps\/v1 Deployment is already federated as FederatedDeployment/,
    ],
    [
      'two extras that disagree',
      [widget, { ...widget, target: { ...widget.target, kind: 'Gadget' } }],
      /FederatedWidget is already registered for example.com\/v1 Widget/,
    ],
  ])('rejects %s', (_name, extra, message) => {
    expect(() => createTypeRegistry(extra)).toThrow(ValidationError);
    expect(() => createTypeRegistry(extra)).toThrow(message);
  });

  it('does not let a caller change a registration it looked up', () => {
    const reg = createTypeRegistry().byFederatedKind('FederatedConfigMap') as TypeRegistration;
    expect(() => {
      (reg as { namespaced: boolean }).namespaced = false;
    }).toThrow(TypeError);
  });
});

describe('typeRegistrationFromTypeConfig', () => {
  const ftc = (spec: Record<string, unknown>) => ({
    apiVersion: 'core.kubefed.io/v1beta1',
    kind: 'FederatedTypeConfig',
    metadata: { name: 'widgets.example.com', namespace: 'kube-federation-system' },
    spec,
  });
  const targetType = {
    group: 'example.com',
    version: 'v1',
    kind: 'Widget',
    pluralName: 'widgets',
    scope: 'Namespaced',
  };
  const federatedType = {
    group: 'types.kubefed.io',
    version: 'v1beta1',
    kind: 'FederatedWidget',
    pluralName: 'federatedwidgets',
    scope: 'Namespaced',
  };

  it('converts a kubefed FederatedTypeConfig', () => {
    expect(
      typeRegistrationFromTypeConfig(ftc({ targetType, federatedType, propagation: 'Enabled' })),
    ).toEqual(widget);
  });

  it('reads an absent group as the core group and scope Cluster as not namespaced', () => {
    const reg = typeRegistrationFromTypeConfig(
      ftc({
        targetType: { version: 'v1', kind: 'Thing', pluralName: 'things', scope: 'Cluster' },
        federatedType: { kind: 'FederatedThing' },
      }),
    );
    expect(reg).toEqual({
      federatedKind: 'FederatedThing',
      target: { group: '', version: 'v1', kind: 'Thing' },
      namespaced: false,
      pluralName: 'things',
    });
  });

  it.each<[string, unknown, string, RegExp]>([
    [
      'another kind',
      { ...ftc({ targetType, federatedType }), kind: 'Widget' },
      'apiVersion',
      /must be core.kubefed.io\/v1beta1 FederatedTypeConfig/,
    ],
    ['a missing spec', { ...ftc({}), spec: undefined }, 'spec', /must be an object/],
    ['a missing targetType', ftc({ federatedType }), 'spec.targetType', /must be an object/],
    [
      'a bad scope',
      ftc({ targetType: { ...targetType, scope: 'Global' }, federatedType }),
      'spec.targetType.scope',
      /Namespaced or Cluster/,
    ],
    [
      'a missing version',
      ftc({ targetType: { ...targetType, version: undefined }, federatedType }),
      'spec.targetType.version',
      /must be a string/,
    ],
    [
      'a lower-case kind',
      ftc({ targetType: { ...targetType, kind: 'widget' }, federatedType }),
      'spec.targetType.kind',
      /must be a kind/,
    ],
    [
      'an upper-case plural',
      ftc({ targetType: { ...targetType, pluralName: 'Widgets' }, federatedType }),
      'spec.targetType.pluralName',
      /lower-case/,
    ],
    [
      'a federated type in another group',
      ftc({ targetType, federatedType: { ...federatedType, group: 'example.com' } }),
      'spec.federatedType',
      /types.kubefed.io\/v1beta1/,
    ],
    [
      'a misspelt targetType field',
      ftc({ targetType: { ...targetType, plural: 'x' }, federatedType }),
      'spec.targetType.plural',
      /unknown field/,
    ],
  ])('rejects %s, naming the field', (_name, doc, field, message) => {
    expect(() => typeRegistrationFromTypeConfig(doc, 4)).toThrow(
      expect.objectContaining({ field, document: 4 }),
    );
    expect(() => typeRegistrationFromTypeConfig(doc, 4)).toThrow(message);
  });
});
