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
  /** Port of the agent's /healthz, /readyz and /metrics (--health-addr). Default 9090. */
  healthPort?: number;
  /** The agent's member-side guard rails; absent lists leave the agent's defaults. */
  guardRails?: { allowNamespaces?: string[]; allowKinds?: string[]; denyKinds?: string[] };
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

/** `Kind.group` (or `Kind` for core) of the managed resources the registrations know, or undefined if any is unknown. */
export function kindsOfManaged(
  managed: readonly ManagedResource[],
  regs: readonly TypeRegistration[],
): string[] | undefined {
  const out: string[] = [];
  for (const m of managed) {
    const reg = regs.find((r) => r.target.group === m.group && r.pluralName === m.resource);
    if (!reg) return undefined;
    out.push(reg.target.group === '' ? reg.target.kind : `${reg.target.kind}.${reg.target.group}`);
  }
  return out;
}

function deployment(o: AgentManifestOptions): Obj {
  const healthPort = o.healthPort ?? 9090;
  const rails = o.guardRails;
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
    `--health-addr=0.0.0.0:${healthPort}`,
    ...(rails?.allowNamespaces ? [`--allow-namespaces=${rails.allowNamespaces.join(',')}`] : []),
    ...(rails?.allowKinds ? [`--allow-kinds=${rails.allowKinds.join(',')}`] : []),
    ...(rails?.denyKinds ? [`--deny-kinds=${rails.denyKinds.join(',')}`] : []),
  ];
  const httpProbe = (path: string) => ({ httpGet: { path, port: 'health' } });
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
        metadata: {
          labels: APP_LABELS,
          annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(healthPort) },
        },
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
              ports: [{ name: 'health', containerPort: healthPort }],
              // Ready while it streams its slice from the hub; alive while its process answers.
              readinessProbe: { ...httpProbe('/readyz'), periodSeconds: 10, timeoutSeconds: 5 },
              livenessProbe: {
                ...httpProbe('/healthz'),
                initialDelaySeconds: 10,
                periodSeconds: 20,
                timeoutSeconds: 5,
                failureThreshold: 3,
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
