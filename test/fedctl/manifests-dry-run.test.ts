// Pins that the install manifests are valid against a real Kubernetes API server (server-side apply with dryRun=All): what `fedctl agent manifests` renders, deploy/hub and deploy/agent; and that their pods pass the restricted Pod Security Standard.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { agentBaseObjects } from '../../hub/fedctl/core/agent-base.ts';
import { memberKubeConfig, testMembers } from '../harness/members.ts';
import { fedctl, ROOT, startHubProcess, type HubProcess } from './support.ts';

type Obj = k8s.KubernetesObject & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let hub: HubProcess;
let api: k8s.KubernetesObjectApi;
const createdNamespaces: string[] = [];

const uniqueNs = (prefix: string) => `${prefix}-${randomBytes(3).toString('hex')}`;
const readDocs = (text: string): Obj[] =>
  parseAllDocuments(text)
    .map((d) => d.toJS() as Obj | null)
    .filter((d): d is Obj => d !== null);

function dryRunApply(obj: Obj): Promise<Obj> {
  return api.patch(
    obj,
    undefined,
    'All',
    'fedctl-e2e',
    true,
    k8s.PatchStrategy.ServerSideApply,
  ) as Promise<Obj>;
}

/** Moves namespaced objects (and the Namespace itself) to `ns`, as kustomize's namespace field does. */
function inNamespace(objs: Obj[], ns: string): Obj[] {
  return objs.map((o) => {
    const copy = structuredClone(o);
    if (copy.kind === 'Namespace') copy.metadata!.name = ns;
    else if (copy.metadata?.namespace !== undefined) copy.metadata.namespace = ns;
    return copy;
  });
}

/**
 * Dry-runs every object: the Namespace first, then (with the namespace created for real, so
 * namespaced objects have somewhere to be validated) the rest. Returns what the server answered.
 */
async function dryRunAll(objs: Obj[]): Promise<Obj[]> {
  const ns = objs.find((o) => o.kind === 'Namespace');
  expect(ns, 'the manifests create their namespace').toBeDefined();
  const answers = [await dryRunApply(ns!)];
  await api.create(ns!);
  createdNamespaces.push(ns!.metadata!.name!);
  for (const o of objs.filter((x) => x !== ns)) answers.push(await dryRunApply(o));
  return answers;
}

/** A Pod from a workload's pod template, as its controller would make it. */
function podOf(workload: Obj, ns: string, extraVolumes: object[] = []): Obj {
  const spec = structuredClone(workload['spec']['template']['spec']);
  spec.volumes = [...(spec.volumes ?? []), ...extraVolumes];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `${workload.metadata!.name}-pss`, namespace: ns },
    spec,
  };
}

beforeAll(async () => {
  api = k8s.KubernetesObjectApi.makeApiClient(memberKubeConfig(testMembers()[0]!));
  hub = await startHubProcess();
});

afterAll(async () => {
  await hub?.stop();
  for (const name of createdNamespaces) {
    await api.delete({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }).catch(() => undefined);
  }
});

describe('fedctl agent manifests', () => {
  it('renders objects a real API server accepts, with a pod that meets the restricted standard', async () => {
    const ns = uniqueNs('fedctl-agent');
    const res = await fedctl([
      '--server',
      hub.server,
      ...(hub.caFile ? ['--certificate-authority', hub.caFile] : []),
      ...(hub.tokenFile ? ['--token', readFileSync(hub.tokenFile, 'utf8').trim()] : []),
      'agent',
      'manifests',
      '--cluster',
      'member-a',
      '--labels',
      'env=test,region=eu',
      '--hub-address',
      'fedhub-hub.fedhub-system.svc:7443',
      '--namespace',
      ns,
    ]);
    expect(res.code, res.stderr).toBe(0);
    const objs = readDocs(res.stdout);
    expect(objs.map((o) => o.kind)).toEqual([
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
    const secret = objs.find((o) => o.kind === 'Secret')!;
    expect(secret['stringData']['token']).toMatch(/^fhb_/);
    const args: string[] = objs.find((o) => o.kind === 'Deployment')!['spec']['template']['spec'][
      'containers'
    ][0]['args'];
    expect(args).toContain('--label=region=eu');
    // The hub's CA travels in the Secret when the hub serves TLS; a plaintext hub means --insecure.
    if (hub.caFile) {
      expect(secret['stringData']['ca.crt']).toBe(readFileSync(hub.caFile, 'utf8'));
      expect(args).toContain('--hub-ca-file=/etc/fedhub/bootstrap/ca.crt');
    } else {
      expect(args).toContain('--insecure');
    }

    const answers = await dryRunAll(objs);
    expect(answers.map((a) => `${a.kind}/${a.metadata?.name}`)).toEqual(
      objs.map((o) => `${o.kind}/${o.metadata?.name}`),
    );
    // Dry run: nothing but the namespace exists.
    await expect(
      api.read({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'fedhub-agent', namespace: ns },
      }),
    ).rejects.toMatchObject({ code: 404 });

    const deployment = objs.find((o) => o.kind === 'Deployment')!;
    await expect(api.create(podOf(deployment, ns), undefined, 'All')).resolves.toMatchObject({ kind: 'Pod' });
    // The check has teeth: the same pod without its hardening is refused in this namespace.
    const weak = podOf(deployment, ns);
    weak.spec.containers[0].securityContext = { allowPrivilegeEscalation: true };
    delete weak.spec.securityContext.runAsNonRoot;
    await expect(api.create(weak, undefined, 'All')).rejects.toMatchObject({
      code: 403,
      body: expect.stringMatching(/violates PodSecurity .{0,4}restricted/),
    });
  });
});

describe('deploy/', () => {
  it('the hub kustomization lists manifests a real API server accepts, with a restricted pod', async () => {
    const kustomization = parse(readFileSync(path.join(ROOT, 'deploy/hub/kustomization.yaml'), 'utf8')) as {
      resources: string[];
    };
    const docs = kustomization.resources.flatMap((f) =>
      readDocs(readFileSync(path.join(ROOT, 'deploy/hub', f), 'utf8')),
    );
    expect(docs.map((d) => d.kind).sort()).toEqual(['Namespace', 'Service', 'ServiceAccount', 'StatefulSet']);
    const ns = uniqueNs('fedctl-hub');
    const objs = inNamespace(docs, ns);
    await dryRunAll(objs);
    const sts = objs.find((o) => o.kind === 'StatefulSet')!;
    expect(sts['spec']['volumeClaimTemplates'][0]['metadata']['name']).toBe('data');
    const pod = podOf(sts, ns, [{ name: 'data', emptyDir: {} }]);
    await expect(api.create(pod, undefined, 'All')).resolves.toMatchObject({ kind: 'Pod' });
  });

  it('the agent base is what the renderer makes, and a real API server accepts it', async () => {
    const docs = readDocs(readFileSync(path.join(ROOT, 'deploy/agent/agent.yaml'), 'utf8'));
    expect(docs).toEqual(agentBaseObjects());
    const kustomization = parse(readFileSync(path.join(ROOT, 'deploy/agent/kustomization.yaml'), 'utf8')) as {
      resources: string[];
    };
    expect(kustomization.resources).toEqual(['agent.yaml']);
    await dryRunAll(inNamespace(docs, uniqueNs('fedctl-agent-base')));
  });
});
