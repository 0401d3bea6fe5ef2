// Pins the agent install manifests: least-privilege RBAC from computeAgentRbac, the bootstrap Secret, and a hardened single-replica Deployment wired to them.
import { describe, expect, it } from 'vitest';
import { compileAgentConfig } from '../../../agent/config.ts';
import { BUILTIN_TYPES } from '../../core/type-registry.ts';
import {
  kindsOfManaged,
  managedFromRegistrations,
  parseKinds,
  renderAgentManifests,
  type AgentManifestOptions,
} from './agent-manifests.ts';

const base: AgentManifestOptions = {
  cluster: 'c1',
  labels: { env: 'prod' },
  hubAddress: 'hub.example:7443',
  namespace: 'fedhub-system',
  image: 'fedhub-agent:test',
  managed: [{ group: 'apps', resource: 'deployments' }],
  bootstrapToken: 'fhb_x.y',
  hubCaPem: '-----BEGIN CERTIFICATE-----\n',
  hubTrust: 'ca',
  stateVolume: 'pvc',
};

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const byKind = (objs: Obj[], kind: string) => objs.find((o) => o['kind'] === kind)!;

describe('renderAgentManifests', () => {
  it('renders the objects in apply order', () => {
    expect(renderAgentManifests(base).map((o) => o['kind'])).toEqual([
      'Namespace',
      'ServiceAccount',
      'ClusterRole',
      'ClusterRoleBinding',
      'Role',
      'RoleBinding',
      'ConfigMap',
      'Secret',
      'PersistentVolumeClaim',
      'Deployment',
    ]);
  });

  it('grants the managed kinds without update, escalate, bind or impersonate', () => {
    const role = byKind(renderAgentManifests(base), 'ClusterRole');
    expect(role['rules']).toContainEqual(
      expect.objectContaining({ apiGroups: ['apps'], resources: ['deployments'] }),
    );
    const verbs = role['rules'].flatMap((r: Obj) => r['verbs']);
    for (const v of ['update', 'escalate', 'bind', 'impersonate', '*']) expect(verbs).not.toContain(v);
  });

  it('puts the token and CA in the Secret and points the agent at them', () => {
    const objs = renderAgentManifests(base);
    expect(byKind(objs, 'Secret')['stringData']).toEqual({ token: 'fhb_x.y', 'ca.crt': base.hubCaPem });
    const args: string[] = byKind(objs, 'Deployment')['spec']['template']['spec']['containers'][0]['args'];
    expect(args).toEqual(
      expect.arrayContaining([
        '--bootstrap-token-file=/etc/fedhub/bootstrap/token',
        '--hub-ca-file=/etc/fedhub/bootstrap/ca.crt',
        '--namespace=fedhub-system',
        '--label=env=prod',
      ]),
    );
    expect(args).not.toContain('--insecure');
    expect(byKind(objs, 'ConfigMap')['data']).toEqual({ hubAddress: 'hub.example:7443', clusterName: 'c1' });
  });

  it('runs one non-root replica with Recreate, a read-only root, probes and resources', () => {
    const d = byKind(renderAgentManifests(base), 'Deployment')['spec'];
    expect(d['replicas']).toBe(1);
    expect(d['strategy']).toEqual({ type: 'Recreate' });
    const pod = d['template']['spec'];
    expect(pod['securityContext']).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    const c = pod['containers'][0];
    expect(c['securityContext']).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(c['readinessProbe']['httpGet']).toEqual({ path: '/readyz', port: 'health' });
    expect(c['livenessProbe']['httpGet']).toEqual({ path: '/healthz', port: 'health' });
    expect(c['ports']).toEqual([{ name: 'health', containerPort: 9090 }]);
    expect(c['resources']['requests']).toBeDefined();
    expect(c['resources']['limits']['memory']).toBeDefined();
  });

  it.each([
    ['a PVC keeps the state', 'pvc', { persistentVolumeClaim: { claimName: 'fedhub-agent-state' } }],
    ['an emptyDir is asked for', 'emptyDir', { emptyDir: {} }],
  ] as const)('%s', (_name, stateVolume, volume) => {
    const objs = renderAgentManifests({ ...base, stateVolume });
    expect(byKind(objs, 'Deployment')['spec']['template']['spec']['volumes'][0]).toEqual({
      name: 'state',
      ...volume,
    });
    expect(objs.some((o) => o['kind'] === 'PersistentVolumeClaim')).toBe(stateVolume === 'pvc');
  });

  it.each([
    ['insecure passes --insecure and no CA file', 'insecure', ['--insecure'], ['--hub-ca-file']],
    ['system roots pass neither', 'system', [], ['--insecure', '--hub-ca-file']],
  ] as const)('%s', (_name, hubTrust, present, absent) => {
    const args: string[] = byKind(
      renderAgentManifests({ ...base, hubTrust, hubCaPem: undefined }),
      'Deployment',
    )['spec']['template']['spec']['containers'][0]['args'];
    for (const p of present) expect(args).toContain(p);
    for (const a of absent) expect(args.some((x) => x.startsWith(a))).toBe(false);
  });

  it('refuses CA trust without a CA, and renders no Secret without a token', () => {
    expect(() => renderAgentManifests({ ...base, hubCaPem: undefined })).toThrow(
      /verify the hub with its CA/,
    );
    const { bootstrapToken: _t, ...noToken } = base;
    expect(renderAgentManifests(noToken).some((o) => o['kind'] === 'Secret')).toBe(false);
  });
});

describe('the agent reads what the Deployment gives it', () => {
  it('compiles the rendered args and environment into its config, guard rails included', () => {
    const objs = renderAgentManifests({
      ...base,
      guardRails: {
        allowNamespaces: ['web', 'api'],
        allowKinds: ['Deployment.apps'],
        denyKinds: ['ClusterRoleBinding.rbac.authorization.k8s.io'],
      },
    });
    const container = byKind(objs, 'Deployment')['spec']['template']['spec']['containers'][0];
    const data = byKind(objs, 'ConfigMap')['data'];
    const env = Object.fromEntries(
      container['env'].map((e: Obj) => [e['name'], data[e['valueFrom']['configMapKeyRef']['key']]]),
    );
    const config = compileAgentConfig(container['args'], env);
    expect(config).toMatchObject({
      hubAddress: 'hub.example:7443',
      clusterName: 'c1',
      insecure: false,
      hubCaFile: '/etc/fedhub/bootstrap/ca.crt',
      bootstrapTokenFile: '/etc/fedhub/bootstrap/token',
      stateDir: '/var/lib/fedhub-agent',
      agentNamespace: 'fedhub-system',
      inCluster: true,
      labels: { env: 'prod' },
      healthAddr: { host: '0.0.0.0', port: 9090 },
      guardRails: {
        allowNamespaces: ['web', 'api'],
        allowKinds: ['Deployment.apps'],
        denyKinds: ['ClusterRoleBinding.rbac.authorization.k8s.io'],
      },
    });
  });
});

describe('kinds', () => {
  it.each([
    [
      'known resources map to Kind.group, core ones to Kind',
      [
        { group: 'apps', resource: 'deployments' },
        { group: '', resource: 'configmaps' },
      ],
      ['Deployment.apps', 'ConfigMap'],
    ],
    [
      'an unknown resource gives no list at all',
      [
        { group: 'apps', resource: 'deployments' },
        { group: 'x.io', resource: 'widgets' },
      ],
      undefined,
    ],
  ])('%s', (_name, managed, kinds) => {
    expect(kindsOfManaged(managed, BUILTIN_TYPES)).toEqual(kinds);
  });

  it('defaults to every built-in target the hub federates', () => {
    const managed = managedFromRegistrations(BUILTIN_TYPES);
    expect(managed).toContainEqual({ group: 'apps', resource: 'deployments' });
    expect(managed).toContainEqual({ group: '', resource: 'configmaps' });
    expect(managed).toHaveLength(BUILTIN_TYPES.length);
  });

  it.each([
    [
      'resource.group pairs',
      'deployments.apps,configmaps',
      [
        { group: 'apps', resource: 'deployments' },
        { group: '', resource: 'configmaps' },
      ],
    ],
    [
      'a group with dots',
      'ingresses.networking.k8s.io',
      [{ group: 'networking.k8s.io', resource: 'ingresses' }],
    ],
    ['a star', '*', [{ group: '*', resource: '*' }]],
  ])('parses %s', (_name, text, managed) => {
    expect(parseKinds(text)).toEqual(managed);
  });

  it.each([['Deployments'], [','], ['deploy ments']])('rejects %j', (text) => {
    expect(() => parseKinds(text)).toThrow(/--kinds/);
  });
});
