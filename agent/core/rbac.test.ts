// Pins the agent's RBAC: a fixed base plus one rule per API group of the kinds the hub may place.
import { describe, expect, it } from 'vitest';
import { computeAgentRbac, MANAGED_VERBS } from './rbac.ts';

type Rule = { apiGroups?: string[]; resources?: string[]; verbs: string[]; nonResourceURLs?: string[] };
const clusterRules = (managed: Array<{ group: string; resource: string }>) =>
  (computeAgentRbac({ agentNamespace: 'fedhub-system', managed })[0]!['rules'] as Rule[]).slice(4);

describe('computeAgentRbac', () => {
  it.each<[string, Array<{ group: string; resource: string }>, Rule[]]>([
    ['no managed kinds grant nothing beyond the base', [], []],
    [
      'kinds of one group share a rule, sorted',
      [
        { group: 'apps', resource: 'statefulsets' },
        { group: 'apps', resource: 'deployments' },
      ],
      [{ apiGroups: ['apps'], resources: ['deployments', 'statefulsets'], verbs: [...MANAGED_VERBS] }],
    ],
    [
      'each group gets its own rule',
      [
        { group: '', resource: 'configmaps' },
        { group: 'batch', resource: 'jobs' },
      ],
      [
        { apiGroups: [''], resources: ['configmaps'], verbs: [...MANAGED_VERBS] },
        { apiGroups: ['batch'], resources: ['jobs'], verbs: [...MANAGED_VERBS] },
      ],
    ],
  ])('%s', (_n, managed, rules) => {
    expect(clusterRules(managed)).toEqual(rules);
  });

  it('never grants update, escalate, bind or impersonate', () => {
    const all = computeAgentRbac({ agentNamespace: 'x', managed: [{ group: '*', resource: '*' }] })
      .flatMap((o) => (o['rules'] as Rule[] | undefined) ?? [])
      .flatMap((r) => r.verbs);
    for (const v of ['update', 'escalate', 'bind', 'impersonate', '*']) expect(all).not.toContain(v);
  });

  it('binds the ledger role in the agent namespace to the agent service account', () => {
    const [, crb, role, rb] = computeAgentRbac({
      agentNamespace: 'ops',
      serviceAccount: 'agent',
      managed: [],
    });
    expect(crb!['subjects']).toEqual([{ kind: 'ServiceAccount', name: 'agent', namespace: 'ops' }]);
    expect(role!['metadata']).toEqual({ name: 'fedhub-agent-ledger', namespace: 'ops' });
    expect(rb!['subjects']).toEqual(crb!['subjects']);
  });
});
