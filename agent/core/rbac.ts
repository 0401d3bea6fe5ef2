/**
 * The RBAC an agent needs in its member, as objects an installer can apply. Least privilege:
 * the base grants reading nodes and pods (facts, unschedulable pods), creating namespaces
 * (targets that do not exist yet, and the agent's own), and the ledger ConfigMaps in the agent
 * namespace; each kind the hub may place is granted separately, so an operator widens the agent
 * kind by kind.
 */

export interface ManagedResource {
  /** API group, '' for core. */
  group: string;
  /** Plural resource name, e.g. "deployments"; "*" for every resource of the group. */
  resource: string;
}

export interface AgentRbacOptions {
  /** Namespace of the agent and its ledger. */
  agentNamespace: string;
  /** Name of the agent's ServiceAccount. Default fedhub-agent. */
  serviceAccount?: string;
  /** Kinds the hub may place in this member. `[{ group: '*', resource: '*' }]` grants everything. */
  managed: ManagedResource[];
}

/** Verbs on each managed kind: read and watch for drift, server-side apply (patch, create when new), prune. */
export const MANAGED_VERBS = ['get', 'list', 'watch', 'create', 'patch', 'delete'] as const;

type Obj = Record<string, unknown>;

export function computeAgentRbac(opts: AgentRbacOptions): Obj[] {
  const sa = opts.serviceAccount ?? 'fedhub-agent';
  const name = `fedhub-agent-${opts.agentNamespace}`;
  const byGroup = new Map<string, string[]>();
  for (const m of opts.managed) byGroup.set(m.group, [...(byGroup.get(m.group) ?? []), m.resource]);
  const subject = [{ kind: 'ServiceAccount', name: sa, namespace: opts.agentNamespace }];
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name },
      rules: [
        { apiGroups: [''], resources: ['nodes'], verbs: ['list'] },
        { apiGroups: [''], resources: ['pods'], verbs: ['list'] },
        { apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'create', 'patch'] },
        { nonResourceURLs: ['/readyz', '/version'], verbs: ['get'] },
        ...[...byGroup].map(([group, resources]) => ({
          apiGroups: [group],
          resources: [...new Set(resources)].sort(),
          verbs: [...MANAGED_VERBS],
        })),
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: subject,
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'fedhub-agent-ledger', namespace: opts.agentNamespace },
      rules: [
        { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'create', 'patch', 'delete'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'fedhub-agent-ledger', namespace: opts.agentNamespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'fedhub-agent-ledger' },
      subjects: subject,
    },
  ];
}
