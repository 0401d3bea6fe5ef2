// Pins the control-plane harness: real members start, run Deployments to readiness, and can be taken offline.
import * as k8s from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { memberKubeConfig, pauseMember, resumeMember, testMembers } from './members.ts';
import { kubeRequest, waitFor } from './kube-http.ts';

const FIELD_MANAGER = 'fedhub-harness-test';

function deployment(name: string, replicas: number): k8s.V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
      },
    },
  };
}

describe('member control planes', () => {
  it('starts three members, each with its own API server', () => {
    const members = testMembers();
    expect(members.length).toBeGreaterThanOrEqual(3);
    expect(new Set(members.map((m) => m.server)).size).toBe(members.length);
  });

  it('takes a Deployment of 3 replicas, applied server-side, to 3 ready replicas in every member', async () => {
    const members = testMembers().slice(0, 3);
    await Promise.all(
      members.map(async (m) => {
        const kc = memberKubeConfig(m);
        const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
        await objects.patch(
          deployment('harness-smoke', 3),
          undefined,
          undefined,
          FIELD_MANAGER,
          true,
          k8s.PatchStrategy.ServerSideApply,
        );
        const apps = kc.makeApiClient(k8s.AppsV1Api);
        const ready = await waitFor(
          `${m.name} harness-smoke ready`,
          async () => {
            const d = await apps.readNamespacedDeployment({ name: 'harness-smoke', namespace: 'default' });
            return d.status?.readyReplicas === 3 ? d : undefined;
          },
          { timeoutMs: 120_000, intervalMs: 1_000 },
        );
        expect(ready.status?.availableReplicas).toBe(3);
        const fields = ready.metadata?.managedFields?.map((f) => `${f.manager}:${f.operation}`) ?? [];
        expect(fields).toContain(`${FIELD_MANAGER}:Apply`);
        await apps.deleteNamespacedDeployment({ name: 'harness-smoke', namespace: 'default' });
      }),
    );
  });

  it('a member taken offline stops answering and answers again once brought back', async () => {
    const m = testMembers()[0]!;
    const ep = { server: m.server, caPem: m.caPem, token: m.token };
    expect((await kubeRequest(ep, 'GET', '/readyz')).status).toBe(200);
    pauseMember(m);
    try {
      await expect(kubeRequest(ep, 'GET', '/readyz', undefined, 2_000)).rejects.toThrow(/timed out/);
    } finally {
      resumeMember(m);
    }
    const back = await waitFor(
      'member back',
      async () => ((await kubeRequest(ep, 'GET', '/readyz')).status === 200 ? true : undefined),
      { timeoutMs: 30_000 },
    );
    expect(back).toBe(true);
  });
});
