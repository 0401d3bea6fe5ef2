// Pins fedctl's resource commands as a subprocess against a real hub process: apply (files, dirs, stdin, dry run, --wait), get in every output, describe, delete, federate, and validation errors with exit codes.
import { writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { grpcClient } from '../hub/support/grpc-clients.ts';
import { fedctl, startHubProcess, tempDir, type FedctlResult, type HubProcess } from './support.ts';

let hub: HubProcess;
let tmp: ReturnType<typeof tempDir>;
let env: Record<string, string>;
let agent: ReturnType<typeof grpcClient> | undefined;
let heartbeats: NodeJS.Timeout | undefined;
const run = (args: string[], stdin?: string): Promise<FedctlResult> =>
  fedctl(args, { env, ...(stdin !== undefined ? { stdin } : {}) });

const namespaceDoc = `apiVersion: types.kubefed.io/v1beta1
kind: FederatedNamespace
metadata: {name: demo}
spec:
  placement: {clusterSelector: {}}
`;
const deploymentDoc = (
  image: string,
  placement = '{clusters: [{name: c1}]}',
) => `apiVersion: types.kubefed.io/v1beta1
kind: FederatedDeployment
metadata: {name: web, namespace: demo, labels: {app: web}}
spec:
  template:
    spec:
      replicas: 2
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec: {containers: [{name: web, image: ${image}}]}
  placement: ${placement}
`;

function write(rel: string, text: string): string {
  const file = path.join(tmp.dir, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

beforeAll(async () => {
  hub = await startHubProcess();
  tmp = tempDir('fedctl-res-');
  env = { FEDHUB_CONFIG: path.join(tmp.dir, 'config') };
  const setContext = await run([
    'config',
    'set-context',
    'e2e',
    '--server',
    hub.server,
    ...(hub.caFile ? ['--certificate-authority', hub.caFile] : []),
    ...(hub.tokenFile ? ['--token-file', hub.tokenFile] : []),
    '--current',
  ]);
  expect(setContext).toMatchObject({ code: 0, stdout: 'Context "e2e" created.\n' });
  // A registered cluster without an agent: resources placed on it stay Pending while heartbeats
  // keep it Ready (nothing applies them, so they never become Ok).
  const token = await run(['token', 'create']);
  const client = grpcClient(
    'AgentService',
    hub.grpcPort,
    hub.caFile ? { caPem: readFileSync(hub.caFile, 'utf8') } : {},
  );
  agent = client;
  const { credential } = await client.call<{ credential: string }>('Register', {
    clusterName: 'c1',
    labels: { env: 'prod' },
    facts: {},
    bootstrapToken: token.stdout.trim(),
  });
  const beat = () =>
    client.call('Heartbeat', { clusterName: 'c1', health: 'Healthy', sentAtMs: Date.now() }, credential);
  await beat();
  heartbeats = setInterval(() => void beat().catch(() => undefined), 1000);
});

afterAll(async () => {
  clearInterval(heartbeats);
  agent?.close();
  await hub?.stop();
  tmp?.remove();
});

describe('apply', () => {
  it('applies a directory recursively, then reports unchanged and configured like kubectl', async () => {
    write('app/ns.yaml', namespaceDoc);
    write('app/nested/web.yaml', deploymentDoc('nginx:1'));
    write('app/nested/notes.txt', 'not a manifest');
    const flat = await run(['apply', '-f', path.join(tmp.dir, 'app')]);
    expect(flat).toMatchObject({ code: 0, stdout: 'federatednamespace/demo created\n' });

    const first = await run(['apply', '-f', path.join(tmp.dir, 'app'), '-R']);
    expect(first).toMatchObject({
      code: 0,
      stdout: 'federateddeployment/web created\nfederatednamespace/demo unchanged\n',
    });
    write('app/nested/web.yaml', deploymentDoc('nginx:2'));
    const second = await run(['apply', '-R', '-f', path.join(tmp.dir, 'app')]);
    expect(second.stdout).toBe('federateddeployment/web configured\nfederatednamespace/demo unchanged\n');
  });

  it('reads stdin, and a dry run reports without storing', async () => {
    const doc = deploymentDoc('nginx:1').replace('name: web', 'name: dry');
    const dry = await run(['apply', '-f', '-', '--dry-run'], doc);
    expect(dry).toMatchObject({ code: 0, stdout: 'federateddeployment/dry created (dry run)\n' });
    expect((await run(['get', 'fdeploy', 'dry', '-n', 'demo'])).code).toBe(1);
    const real = await run(['apply', '-f', '-'], doc);
    expect(real.stdout).toBe('federateddeployment/dry created\n');
    expect(await run(['delete', 'fdeploy', 'dry', '-n', 'demo'])).toMatchObject({
      code: 0,
      stdout: 'federateddeployment/dry deleted\n',
    });
  });

  it.each([
    [
      'a validation error names the file, document, field and reason, and stores nothing',
      () =>
        write(
          'bad.yaml',
          `${deploymentDoc('nginx:1').replace('name: web', 'name: ok')}---\n${deploymentDoc('x').replace('name: web', 'name: bad').replace('replicas: 2', 'replicas: -1')}`,
        ),
      /^error: invalid document for federateddeployment\/bad \(.*bad\.yaml, document 2\): field spec\.template\.spec\.replicas: .*non-negative integer.*\nnothing was applied/,
    ],
    [
      'malformed YAML names the file, document and line',
      () => write('broken.yaml', `${namespaceDoc}---\nkind: [unclosed\n`),
      /^error: error parsing .*broken\.yaml: document 2 \(line \d+\): /,
    ],
    [
      'a missing file says so',
      () => path.join(tmp.dir, 'nope.yaml'),
      /^error: the path ".*nope\.yaml" does not exist/,
    ],
    [
      'an unknown federated kind is refused by the hub',
      () =>
        write(
          'gizmo.yaml',
          'apiVersion: types.kubefed.io/v1beta1\nkind: FederatedGizmo\nmetadata: {name: g, namespace: demo}\n',
        ),
      /^error: invalid document for federatedgizmo\/g \(.*gizmo\.yaml, document 1\): field kind: unknown federated kind "FederatedGizmo"/,
    ],
  ])('%s (exit 1)', async (_name, file, message) => {
    const res = await run(['apply', '-f', file()]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(message);
    expect(res.stdout).toBe('');
    expect((await run(['get', 'fdeploy', 'ok', '-n', 'demo'])).stderr).toMatch(/NotFound/);
  });

  it.each([
    ['no -f', ['apply'], /must specify -f/],
    ['--wait with --dry-run', ['apply', '-f', '-', '--wait', '--dry-run'], /cannot be combined/],
    ['a bad --timeout', ['apply', '-f', '-', '--wait', '--timeout', 'soon'], /--timeout must be a duration/],
    ['an unknown flag', ['apply', '--frobnicate'], /unknown option '--frobnicate'/],
  ])('refuses %s as a usage error (exit 2)', async (_name, args, message) => {
    const res = await run(args, namespaceDoc);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(message);
  });
});

describe('apply --wait', () => {
  it('times out naming the clusters still pending, with exit 1', async () => {
    const res = await run(['apply', '-f', '-', '--wait', '--timeout', '2s'], deploymentDoc('nginx:3'));
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(
      /^federateddeployment\/web configured\nfederateddeployment\/web {2}c1 {2}Pending\n/,
    );
    expect(res.stdout).toMatch(
      /RESOURCE\s+CLUSTER\s+STATUS\s+READY\s+HEALTH\s+MESSAGE\nfederateddeployment\/web\s+c1\s+Pending/,
    );
    expect(res.stderr).toMatch(
      /^error: timed out after \d+(\.\d)?s: still waiting: federateddeployment\/web in c1 \(Pending\)\n$/,
    );
  });

  it('is done at once for a resource placed nowhere', async () => {
    const res = await run(
      ['apply', '-f', '-', '--wait'],
      deploymentDoc('nginx:1', '{clusters: []}').replace('name: web', 'name: nowhere'),
    );
    expect(res).toMatchObject({ code: 0, stderr: '' });
    expect(res.stdout).toMatch(/1 resource\(s\) ready in 0 cluster\(s\) after/);
  });
});

describe('get', () => {
  it('prints an aligned table, by any spelling of the kind', async () => {
    for (const kind of ['fdeploy', 'FederatedDeployments', 'federateddeployment.types.kubefed.io']) {
      const res = await run(['get', kind, '-n', 'demo']);
      expect(res.code).toBe(0);
      const [header, ...rows] = res.stdout.trimEnd().split('\n');
      expect(header).toMatch(/^NAME\s+CLUSTERS\s+READY\s+PROPAGATION\s+AGE$/);
      expect(rows.map((r) => r.split(/\s+/).slice(0, 4))).toContainEqual(['web', '0/1', '-', 'Pending']);
      // Columns line up: every row's second column starts where the header's does.
      const at = header!.indexOf('CLUSTERS');
      for (const r of rows) expect(r[at - 1]).toBe(' ');
    }
  });

  it.each([
    ['json', (out: string) => JSON.parse(out) as Record<string, unknown>],
    ['yaml', (out: string) => parse(out) as Record<string, unknown>],
  ])('-o %s gives the object with its per-cluster status', async (format, decode) => {
    const res = await run(['get', 'fdeploy', 'web', '-n', 'demo', '-o', format]);
    expect(res.code).toBe(0);
    expect(decode(res.stdout)).toMatchObject({
      kind: 'FederatedDeployment',
      metadata: { name: 'web', namespace: 'demo' },
      status: { clusters: [{ cluster: 'c1', status: 'Pending' }] },
    });
  });

  it('lists across namespaces with -A, filters with -l, and names with -o name', async () => {
    const all = await run(['get', 'fdeploy', '-A']);
    expect(all.stdout).toMatch(/^NAMESPACE\s+NAME\s+CLUSTERS/);
    const selected = await run(['get', 'fdeploy', '-A', '-l', 'app=web', '-o', 'name']);
    expect(selected.stdout).toBe('federateddeployment/nowhere\nfederateddeployment/web\n');
    const none = await run(['get', 'fdeploy', '-A', '-l', 'app=nope']);
    expect(none).toMatchObject({ code: 0, stdout: '', stderr: 'No resources found.\n' });
    const list = JSON.parse((await run(['get', 'fns', '-A', '-o', 'json'])).stdout) as {
      kind: string;
      items: unknown[];
    };
    expect(list).toMatchObject({
      kind: 'List',
      items: [{ kind: 'FederatedNamespace', metadata: { name: 'demo' } }],
    });
  });

  it.each([
    [
      'an unknown kind',
      ['get', 'gizmos'],
      1,
      /^error: the server doesn't have a resource type "gizmos"\nknown kinds: clusters, federatednamespaces/,
    ],
    [
      'a missing object',
      ['get', 'fdeploy', 'nope', '-n', 'demo'],
      1,
      /^Error from server \(NotFound\): federateddeployments "nope" not found\n$/,
    ],
    ['a bad output format', ['get', 'fdeploy', '-o', 'xml'], 2, /-o must be one of wide, yaml, json, name/],
    ['no kind', ['get'], 2, /missing required argument 'kind'/],
  ])('reports %s with its exit code and message', async (_name, args, code, message) => {
    const res = await run(args);
    expect(res.code).toBe(code);
    expect(res.stderr).toMatch(message);
  });
});

describe('describe, delete and federate', () => {
  it('describes placement, conditions and the per-cluster table', async () => {
    const res = await run(['describe', 'fdeploy', 'web', '-n', 'demo']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(
      /^Name:\s+web\nNamespace:\s+demo\nKind:\s+FederatedDeployment \(types\.kubefed\.io\/v1beta1\)\n/,
    );
    expect(res.stdout).toMatch(/Placement:\s+clusters: c1\n/);
    expect(res.stdout).toMatch(
      /Conditions:\n\s+TYPE\s+STATUS\s+REASON\s+MESSAGE\n\s+Propagation\s+Unknown\s+Pending\s+waiting for c1\n/,
    );
    expect(res.stdout).toMatch(
      /Clusters:\n\s+CLUSTER\s+OBJECT\s+STATUS.*\n\s+c1\s+apps\/Deployment\/demo\/web\s+Pending/,
    );
    expect(res.stdout).toMatch(/\nEvents:\s+<none>\n$/);
  });

  it('deletes from a file and by name, and reports what was not there', async () => {
    const file = write('del/web.yaml', deploymentDoc('nginx:1'));
    expect(await run(['delete', '-f', file])).toMatchObject({
      code: 0,
      stdout: 'federateddeployment/web deleted\n',
    });
    const again = await run(['delete', 'fdeploy', 'web', '-n', 'demo']);
    expect(again).toMatchObject({
      code: 1,
      stderr: 'Error from server (NotFound): federateddeployments "web" not found in namespace demo\n',
    });
    expect((await run(['delete', 'fdeploy', 'web', '-n', 'demo', '--ignore-not-found'])).code).toBe(0);
  });

  it('federates a plain manifest that the hub then accepts', async () => {
    const plain = write(
      'plain.yaml',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: demo, uid: x1, resourceVersion: "9"}\nspec: {replicas: 1}\nstatus: {replicas: 1}\n',
    );
    const res = await run(['federate', '-f', plain, '--cluster-selector', 'env=prod']);
    expect(res.code).toBe(0);
    const docs = parseAllDocuments(res.stdout).map((d) => d.toJS() as Record<string, unknown>);
    expect(docs).toEqual([
      {
        apiVersion: 'types.kubefed.io/v1beta1',
        kind: 'FederatedDeployment',
        metadata: { name: 'api', namespace: 'demo' },
        spec: {
          template: { spec: { replicas: 1 } },
          placement: { clusterSelector: { matchLabels: { env: 'prod' } } },
        },
      },
    ]);
    expect((await run(['apply', '-f', '-'], res.stdout)).stdout).toBe('federateddeployment/api created\n');
    expect((await run(['get', 'fdeploy', 'api', '-n', 'demo', '-o', 'json'])).stdout).toMatch(
      /"cluster": "c1"/,
    );
  });

  it.each([
    ['neither --clusters nor a selector', [], /exactly one of --clusters/],
    ['a bad cluster name', ['--clusters', 'A_B'], /--clusters: "A_B" is not a cluster name/],
  ])('refuses %s (exit 2)', async (_name, args, message) => {
    const res = await run(
      ['federate', '-f', '-', ...args],
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n',
    );
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(message);
  });
});

describe('ReplicaSchedulingPreferences and failback', () => {
  const rsp = (policy: string) => `apiVersion: scheduling.kubefed.io/v1alpha1
kind: ReplicaSchedulingPreference
metadata: {name: api, namespace: demo, annotations: {fedhub.io/failback: ${policy}}}
spec: {targetKind: FederatedDeployment, totalReplicas: 4}
`;

  it('lists and describes a preference, and approves a manual failback with an event', async () => {
    expect((await run(['apply', '-f', '-'], rsp('Manual'))).stdout).toBe(
      'replicaschedulingpreference/api created\n',
    );
    const table = await run(['get', 'rsp', '-n', 'demo']);
    expect(table.stdout).toMatch(
      /^NAME\s+TARGET\s+TOTAL-REPLICAS\s+REBALANCE\s+AGE\napi\s+FederatedDeployment\s+4\s+false\s+\d+s\n$/,
    );
    expect((await run(['describe', 'rsp', 'api', '-n', 'demo'])).stdout).toMatch(
      /\nTarget:\s+FederatedDeployment \(4 replicas\)\n/,
    );

    const approved = await run(['failback', 'api', '-n', 'demo', '--cluster', 'c1']);
    expect(approved).toMatchObject({
      code: 0,
      stdout: 'replicaschedulingpreference/api failback approved for cluster c1\n',
    });
    const events = await run(['get', 'events', '--for', 'fdeploy/api', '-n', 'demo']);
    expect(events.stdout).toMatch(/\d+s\s+Normal\s+FailbackApproved\s+FederatedDeployment\/demo\/api\s/);
  });

  it.each([
    [
      'a Never policy, naming the annotation',
      ['failback', 'api', '-n', 'demo'],
      () => rsp('Never'),
      /^error: failback failed for replicaschedulingpreference\/api: .*fedhub\.io\/failback.*Never/,
    ],
    [
      'an unknown cluster',
      ['failback', 'api', '-n', 'demo', '--cluster', 'zz'],
      () => rsp('Manual'),
      /^error: failback failed for replicaschedulingpreference\/api in namespace demo: cluster zz not found\n/,
    ],
  ])('refuses %s (exit 1)', async (_name, args, doc, message) => {
    await run(['apply', '-f', '-'], doc());
    const res = await run(args);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(message);
  });
});
