// Pins how agent options are compiled: defaults, environment fallbacks, duration parsing, and a ConfigError naming the field for bad input.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../shared/errors.ts';
import { compileAgentConfig, parseDurationMs } from './config.ts';

const base = ['--hub', 'hub.example:7443', '--cluster-name', 'east-1'];

describe('compileAgentConfig', () => {
  it('fills every default', () => {
    expect(compileAgentConfig(base, {})).toEqual({
      hubAddress: 'hub.example:7443',
      insecure: false,
      hubCaFile: undefined,
      clusterName: 'east-1',
      labels: {},
      bootstrapToken: undefined,
      bootstrapTokenFile: undefined,
      stateDir: '/var/lib/fedhub-agent',
      kubeconfigPath: undefined,
      kubeContext: undefined,
      inCluster: false,
      agentNamespace: 'fedhub-system',
      heartbeatIntervalMs: undefined,
      resyncPeriodMs: 300_000,
      hubChangeGraceMs: 7 * 86_400_000,
      acceptHubId: undefined,
      adopt: false,
      statusBatchMs: 500,
      kubeTimeoutMs: 15_000,
      rotateCredentialEveryMs: undefined,
      guardRails: {
        allowNamespaces: undefined,
        allowKinds: undefined,
        denyKinds: [],
        allowClusterAdminBindings: false,
      },
      healthAddr: undefined,
      logLevel: 'info',
    });
  });

  it.each<[string, string[], Record<string, string>, Record<string, unknown>]>([
    [
      'the hub and cluster come from the environment',
      [],
      { FEDHUB_HUB_ADDRESS: 'h:1', FEDHUB_CLUSTER_NAME: 'c' },
      { hubAddress: 'h:1', clusterName: 'c' },
    ],
    [
      'a flag wins over the environment',
      base,
      { FEDHUB_HUB_ADDRESS: 'other:1' },
      { hubAddress: 'hub.example:7443' },
    ],
    [
      'labels repeat',
      [...base, '--label', 'region=eu', '--label', 'tier=gold'],
      {},
      { labels: { region: 'eu', tier: 'gold' } },
    ],
    ['a label without a value is an empty value', [...base, '--label', 'edge'], {}, { labels: { edge: '' } }],
    [
      'durations take units',
      [...base, '--heartbeat-interval', '2s', '--resync-period', '1m'],
      {},
      { heartbeatIntervalMs: 2000, resyncPeriodMs: 60_000 },
    ],
    [
      'in a pod without a kubeconfig the service account is used',
      base,
      { KUBERNETES_SERVICE_HOST: '10.0.0.1' },
      { inCluster: true, kubeconfigPath: undefined },
    ],
    [
      'KUBECONFIG is honoured',
      base,
      { KUBECONFIG: '/k/config' },
      { kubeconfigPath: '/k/config', inCluster: false },
    ],
    [
      'the bootstrap token comes from the environment',
      base,
      { FEDHUB_BOOTSTRAP_TOKEN: 't0k' },
      { bootstrapToken: 't0k' },
    ],
    [
      'credential rotation takes a duration',
      [...base, '--rotate-credential-every', '30d'],
      {},
      { rotateCredentialEveryMs: 30 * 86_400_000 },
    ],
    [
      'guard rails take comma-separated lists',
      [
        ...base,
        '--allow-namespaces',
        'web, shop',
        '--allow-kinds',
        'Deployment.apps,ConfigMap',
        '--deny-kinds',
        'Secret',
      ],
      {},
      {
        guardRails: {
          allowNamespaces: ['web', 'shop'],
          allowKinds: ['Deployment.apps', 'ConfigMap'],
          denyKinds: ['Secret'],
          allowClusterAdminBindings: false,
        },
      },
    ],
    [
      'a health address without a host listens everywhere',
      [...base, '--health-addr', ':8081'],
      {},
      { healthAddr: { host: '0.0.0.0', port: 8081 } },
    ],
    [
      'insecure and adopt are switches',
      [...base, '--insecure', '--adopt'],
      {},
      { insecure: true, adopt: true },
    ],
  ])('%s', (_n, argv, env, expected) => {
    expect(compileAgentConfig(argv, env)).toMatchObject(expected);
  });

  it.each<[string, string[], Record<string, string>, string]>([
    ['a missing hub', ['--cluster-name', 'c'], {}, 'hubAddress: required'],
    [
      'a hub without a port',
      ['--hub', 'hub', '--cluster-name', 'c'],
      {},
      'hubAddress: "hub" is not host:port',
    ],
    ['a missing cluster name', ['--hub', 'h:1'], {}, 'clusterName: required'],
    [
      'a cluster name that is not a DNS label',
      ['--hub', 'h:1', '--cluster-name', 'East_1'],
      {},
      'clusterName: "East_1" is not a DNS label',
    ],
    ['a zero heartbeat', [...base, '--heartbeat-interval', '0s'], {}, 'heartbeatIntervalMs must be > 0'],
    [
      'a duration that is not one',
      [...base, '--resync-period', 'soon'],
      {},
      'resyncPeriodMs: "soon" is not a duration',
    ],
    [
      'a token and a token file',
      [...base, '--bootstrap-token', 'a', '--bootstrap-token-file', 'f'],
      {},
      'bootstrapToken: give either',
    ],
    [
      'a CA with --insecure',
      [...base, '--insecure', '--hub-ca-file', 'ca.pem'],
      {},
      'hubCaFile: cannot be used with --insecure',
    ],
    ['a bad label key', [...base, '--label', '-x=1'], {}, 'labels: "-x" is not a valid label key'],
    ['an unknown flag', [...base, '--frobnicate'], {}, "unknown option '--frobnicate'"],
    [
      'a resync period longer than a timer can wait',
      [...base, '--resync-period', '30d'],
      {},
      'resyncPeriodMs must be at most 24d',
    ],
    [
      'a kind spelled in lower case',
      [...base, '--deny-kinds', 'secret'],
      {},
      'denyKinds: "secret" is not valid',
    ],
    [
      'an empty namespace list',
      [...base, '--allow-namespaces', ' , '],
      {},
      'allowNamespaces: must name at least one entry',
    ],
    [
      'a health address without a port',
      [...base, '--health-addr', 'localhost'],
      {},
      'healthAddr: "localhost" is not host:port',
    ],
    ['a bad namespace', [...base, '--namespace', 'Fed'], {}, 'agentNamespace: "Fed" is not a DNS label'],
  ])('rejects %s', (_n, argv, env, message) => {
    const run = () => compileAgentConfig(argv, env);
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(message);
  });
});

describe('parseDurationMs', () => {
  it.each([
    ['250', 250],
    ['250ms', 250],
    ['1.5s', 1500],
    ['10m', 600_000],
    ['24h', 86_400_000],
    ['7d', 604_800_000],
  ])('%s is %i ms', (v, ms) => {
    expect(parseDurationMs('x', v)).toBe(ms);
  });
});
