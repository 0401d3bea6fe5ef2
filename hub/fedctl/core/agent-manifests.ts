/**
 * Everything a member needs to run an agent, as objects for `kubectl apply -f -`: Namespace,
 * ServiceAccount, least-privilege RBAC (computeAgentRbac), a ConfigMap naming the hub and the
 * cluster, a Secret with the bootstrap token (and hub CA), state storage and a Deployment. Pure.
 */
import { computeAgentRbac, type ManagedResource } from '../../../agent/core/rbac.ts';
import type { TypeRegistration } from '../../core/model.ts';
import { CliError } from './cli-errors.ts';

export const AGENT_NAME = 'fedhub-agent';
export const BOOTSTRAP_SECRET = 'fedhub-agent-bootstrap';
export const STATE_DIR = '/var/lib/fedhub-agent';
export const BOOTSTRAP_DIR = '/etc/fedhub/bootstrap';
/** The non-root user of the images in deploy/ (Debian's nobody-like 65532, as distroless uses). */
export const RUN_AS_USER = 65532;

export interface AgentManifestOptions {
  cluster: string;
  labels: Record<string, string>;
  /** host:port of the hub's agent gRPC endpoint. */
  hubAddress: string;
  namespace: string;
  image: string;
  managed: ManagedResource[];
  /** Omitted: no Secret is rendered (a kustomize base expects one made separately). */
  bootstrapToken?: string;
  /** PEM of the hub CA, put in the Secret as ca.crt. */
  hubCaPem?: string;
  /**
   * How the agent trusts the hub: `ca` verifies with ca.crt from the Secret, `system` with the
   * system roots, `insecure` is plaintext gRPC (a hub without TLS).
   */
  hubTrust: 'ca' | 'system' | 'insecure';
  /** Where the credential and the last slice live: a PVC survives rescheduling (default), an emptyDir does not. */
  stateVolume: 'pvc' | 'emptyDir';
  /** PVC size. Default 1Gi. */
  stateSize?: string;
}

type Obj = Record<string, unknown>;
const APP_LABELS = { 'app.kubernetes.io/name': AGENT_NAME, 'app.kubernetes.io/part-of': 'fedhub' };

/** The kinds an agent may manage by default: every target the hub's registry knows. */
export function managedFromRegistrations(regs: readonly TypeRegistration[]): ManagedResource[] {
  return regs
    .filter((r) => r.pluralName !== undefined)
    .map((r) => ({ group: r.target.group, resource: r.pluralName! }));
}

/**
 * Parses `--kinds`: comma-separated `resource[.group]` like `deployments.apps,configmaps`, or `*`.
 * @throws CliError naming the entry that is not a lower-case resource name.
 */
export function parseKinds(text: string): ManagedResource[] {
  if (text.trim() === '*') return [{ group: '*', resource: '*' }];
  const out: ManagedResource[] = [];
  for (const part of text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    const dot = part.indexOf('.');
    const resource = dot < 0 ? part : part.slice(0, dot);
    const group = dot < 0 ? '' : part.slice(dot + 1);
    if (
      !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(resource) ||
      !/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.?)*$/.test(group)
    ) {
      throw new CliError(
        `--kinds: ${JSON.stringify(part)} must be resource[.group] like deployments.apps or configmaps`,
        {
          exitCode: 2,
        },
      );
    }
    out.push({ group, resource });
  }
  if (out.length === 0) throw new CliError('--kinds must name at least one resource', { exitCode: 2 });
  return out;
}

function probe(check: string): Obj {
  // No health port on the agent yet: node checks the state directory itself.
  return { exec: { command: ['node', '-e', check] } };
}

function deployment(o: AgentManifestOptions): Obj {
  const args = [
    '--in-cluster',
    `--namespace=${o.namespace}`,
    `--state-dir=${STATE_DIR}`,
    `--bootstrap-token-file=${BOOTSTRAP_DIR}/token`,
    ...(o.hubTrust === 'insecure'
      ? ['--insecure']
      : o.hubTrust === 'ca'
        ? [`--hub-ca-file=${BOOTSTRAP_DIR}/ca.crt`]
        : []),
    ...Object.entries(o.labels).map(([k, v]) => `--label=${k}=${v}`),
  ];
  const fromConfig = (name: string, key: string) => ({
    name,
    valueFrom: { configMapKeyRef: { name: AGENT_NAME, key } },
  });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: AGENT_NAME, namespace: o.namespace, labels: APP_LABELS },
    spec: {
      // One agent per member: two would share one ledger.
      replicas: 1,
      strategy: { type: 'Recreate' },
      selector: { matchLabels: { 'app.kubernetes.io/name': AGENT_NAME } },
      template: {
        metadata: { labels: APP_LABELS },
        spec: {
          serviceAccountName: AGENT_NAME,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: RUN_AS_USER,
            runAsGroup: RUN_AS_USER,
            fsGroup: RUN_AS_USER,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: 'agent',
              image: o.image,
              imagePullPolicy: 'IfNotPresent',
              args,
              env: [
                fromConfig('FEDHUB_HUB_ADDRESS', 'hubAddress'),
                fromConfig('FEDHUB_CLUSTER_NAME', 'clusterName'),
              ],
              resources: {
                requests: { cpu: '50m', memory: '128Mi' },
                limits: { cpu: '1', memory: '512Mi' },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              // Ready once registered (the credential is written after the hub accepted the agent).
              readinessProbe: {
                ...probe(`require('fs').accessSync('${STATE_DIR}/credential')`),
                periodSeconds: 10,
                timeoutSeconds: 5,
              },
              // Alive while its state directory is writable.
              livenessProbe: {
                ...probe(`require('fs').accessSync('${STATE_DIR}', require('fs').constants.W_OK)`),
                initialDelaySeconds: 30,
                periodSeconds: 30,
                timeoutSeconds: 10,
              },
              volumeMounts: [
                { name: 'state', mountPath: STATE_DIR },
                { name: 'bootstrap', mountPath: BOOTSTRAP_DIR, readOnly: true },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [
            o.stateVolume === 'pvc'
              ? { name: 'state', persistentVolumeClaim: { claimName: `${AGENT_NAME}-state` } }
              : { name: 'state', emptyDir: {} },
            { name: 'bootstrap', secret: { secretName: BOOTSTRAP_SECRET, defaultMode: 0o440 } },
            { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } },
          ],
        },
      },
    },
  };
}

/** The objects, in the order `kubectl apply` needs them (namespace first, workload last). */
export function renderAgentManifests(o: AgentManifestOptions): Obj[] {
  if (o.hubTrust === 'ca' && o.bootstrapToken !== undefined && o.hubCaPem === undefined) {
    throw new CliError('the agent is to verify the hub with its CA, and none was given', {
      hint: 'set certificateAuthority in the context (--certificate-authority)',
    });
  }
  const ns = o.namespace;
  const objects: Obj[] = [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      // The agent's pod meets the restricted Pod Security Standard; enforce it.
      metadata: { name: ns, labels: { ...APP_LABELS, 'pod-security.kubernetes.io/enforce': 'restricted' } },
    },
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: AGENT_NAME, namespace: ns, labels: APP_LABELS },
    },
    ...computeAgentRbac({ agentNamespace: ns, serviceAccount: AGENT_NAME, managed: o.managed }),
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: AGENT_NAME, namespace: ns, labels: APP_LABELS },
      data: { hubAddress: o.hubAddress, clusterName: o.cluster },
    },
  ];
  if (o.bootstrapToken !== undefined) {
    objects.push({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: BOOTSTRAP_SECRET, namespace: ns, labels: APP_LABELS },
      type: 'Opaque',
      stringData: { token: o.bootstrapToken, ...(o.hubCaPem !== undefined ? { 'ca.crt': o.hubCaPem } : {}) },
    });
  }
  if (o.stateVolume === 'pvc') {
    objects.push({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: `${AGENT_NAME}-state`, namespace: ns, labels: APP_LABELS },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: o.stateSize ?? '1Gi' } } },
    });
  }
  objects.push(deployment(o));
  return objects;
}
