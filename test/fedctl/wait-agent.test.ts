// Pins `fedctl apply --wait` with a real agent on a real member: live per-cluster progress until every placed cluster is Ok with its replicas ready (exit 0), and a timeout naming a workload that never gets ready (exit 1).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memberKubeConfig, testMembers } from '../harness/members.ts';
import { waitFor } from '../harness/kube-http.ts';
import { fedctl, ROOT, startHubProcess, tempDir, type FedctlResult, type HubProcess } from './support.ts';

const ns = `fedctl-wait-${randomBytes(3).toString('hex')}`;
const agentNs = `${ns}-agent`;
let hub: HubProcess;
let tmp: ReturnType<typeof tempDir>;
let agent: ChildProcess | undefined;
let env: Record<string, string>;
const run = (args: string[], stdin?: string): Promise<FedctlResult> =>
  fedctl(args, { env, timeoutMs: 180_000, ...(stdin !== undefined ? { stdin } : {}) });

const workload = (name: string, extraPodSpec = '') => `apiVersion: types.kubefed.io/v1beta1
kind: FederatedDeployment
metadata: {name: ${name}, namespace: ${ns}}
spec:
  template:
    spec:
      replicas: 2
      selector: {matchLabels: {app: ${name}}}
      template:
        metadata: {labels: {app: ${name}}}
        spec: {containers: [{name: app, image: nginx}]${extraPodSpec}}
  placement: {clusters: [{name: m1}]}
`;

beforeAll(async () => {
  hub = await startHubProcess();
  tmp = tempDir('fedctl-wait-');
  env = { FEDHUB_CONFIG: path.join(tmp.dir, 'config') };
  const ctx = await run([
    'config',
    'set-context',
    'e2e',
    '--server',
    hub.server,
    ...(hub.caFile ? ['--certificate-authority', hub.caFile] : []),
    ...(hub.tokenFile ? ['--token-file', hub.tokenFile] : []),
    '--current',
  ]);
  expect(ctx.code, ctx.stderr).toBe(0);
  const token = (await run(['token', 'create'])).stdout.trim();
  const member = testMembers()[1]!;
  agent = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(ROOT, 'agent', 'main.ts'),
      '--hub',
      `127.0.0.1:${hub.grpcPort}`,
      ...(hub.caFile ? ['--hub-ca-file', hub.caFile] : ['--insecure']),
      '--cluster-name',
      'm1',
      '--label',
      'env=e2e',
      '--kubeconfig',
      member.kubeconfigPath,
      '--state-dir',
      path.join(tmp.dir, 'agent-state'),
      '--namespace',
      agentNs,
      '--bootstrap-token',
      token,
      '--heartbeat-interval',
      '1s',
      '--status-batch',
      '200ms',
      '--log-level',
      'warn',
    ],
    { cwd: ROOT, stdio: 'ignore' },
  );
  await waitFor(
    'cluster m1 to register and be ready',
    async () => {
      const res = await run(['get', 'cluster', 'm1', '-o', 'json']);
      return res.code === 0 && (JSON.parse(res.stdout) as { ready?: boolean }).ready === true
        ? true
        : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
});

afterAll(async () => {
  if (hub) await run(['delete', 'fns', ns, '--ignore-not-found']).catch(() => undefined);
  if (agent && agent.exitCode === null) {
    agent.kill('SIGTERM');
    await new Promise((r) => agent!.once('exit', r));
  }
  await hub?.stop();
  tmp?.remove();
  const api = k8s.KubernetesObjectApi.makeApiClient(memberKubeConfig(testMembers()[1]!));
  for (const name of [ns, agentNs])
    await api.delete({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }).catch(() => undefined);
});

describe('apply --wait with a real agent', () => {
  it('shows progress until the workload is ready in every placed cluster, then exits 0', async () => {
    const doc = `apiVersion: types.kubefed.io/v1beta1\nkind: FederatedNamespace\nmetadata: {name: ${ns}}\nspec: {placement: {clusters: [{name: m1}]}}\n---\n${workload('web')}`;
    const res = await run(['apply', '-f', '-', '--wait', '--timeout', '120s'], doc);
    expect(res.code, res.stderr + res.stdout).toBe(0);
    const lines = res.stdout.split('\n');
    expect(lines.slice(0, 2)).toEqual([
      `federatednamespace/${ns} created`,
      'federateddeployment/web created',
    ]);
    // The first poll sees the clusters before the agent reported; the last change is Ok and ready.
    expect(res.stdout).toMatch(/\nfederateddeployment\/web {2}m1 {2}Pending\n/);
    expect(res.stdout).toMatch(/\nfederateddeployment\/web {2}m1 {2}Ok {2}ready 2\/2 {2}Healthy\n/);
    expect(res.stdout).toMatch(/\nRESOURCE\s+CLUSTER\s+STATUS\s+READY\s+HEALTH\s+MESSAGE\n/);
    expect(res.stdout).toMatch(/\nfederateddeployment\/web\s+m1\s+Ok\s+2\/2\s+Healthy\s*\n/);
    expect(res.stdout).toMatch(/2 resource\(s\) ready in 1 cluster\(s\) after \d+(\.\d)?s\n$/);

    const table = await run(['get', 'fdeploy', '-n', ns]);
    expect(table.stdout).toMatch(/\nweb\s+1\/1\s+2\/2\s+Propagated\s+\d+s\n$/);
    const described = await run(['describe', 'fdeploy', 'web', '-n', ns]);
    expect(described.stdout).toMatch(
      new RegExp(`\\n\\s+m1\\s+apps/Deployment/${ns}/web\\s+Ok\\s+2/2\\s+Healthy\\s+\\d+/\\d+`),
    );
  });

  it('times out with exit 1 when the pods never become ready, naming the cluster', async () => {
    const stuck = workload('stuck', ", nodeSelector: {'fedhub.io/no-such-node': 'true'}");
    const res = await run(['apply', '-f', '-', '--wait', '--timeout', '8s'], stuck);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/\nfederateddeployment\/stuck\s+m1\s+Ok\s+0\/2\s+Progressing/);
    expect(res.stderr).toMatch(
      /^error: timed out after \d+(\.\d)?s: still waiting: federateddeployment\/stuck in m1 \(Ok\)\n$/,
    );
  });
});
