// Pins fedctl's cluster, token, context and failure commands as a subprocess against a real hub process: get/describe/label clusters, token create, config contexts (tokens redacted), and the hub-down and usage errors with their exit codes.
import { readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { grpcClient } from '../hub/support/grpc-clients.ts';
import { fedctl, startHubProcess, tempDir, type FedctlResult, type HubProcess } from './support.ts';

let hub: HubProcess;
let tmp: ReturnType<typeof tempDir>;
let env: Record<string, string>;
const run = (args: string[], extraEnv: Record<string, string> = {}): Promise<FedctlResult> =>
  fedctl(args, { env: { ...env, ...extraEnv } });

/** Flags that reach the hub without a config file. */
const direct = () => [
  '--server',
  hub.server,
  ...(hub.caFile ? ['--certificate-authority', hub.caFile] : []),
  ...(hub.tokenFile ? ['--token', readFileSync(hub.tokenFile, 'utf8').trim()] : []),
];

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

beforeAll(async () => {
  hub = await startHubProcess();
  tmp = tempDir('fedctl-admin-');
  env = { FEDHUB_CONFIG: path.join(tmp.dir, 'config') };
});

afterAll(async () => {
  await hub?.stop();
  tmp?.remove();
});

describe('config contexts', () => {
  it('creates, lists, switches and shows contexts with tokens redacted, in a private file', async () => {
    expect(
      (
        await run([
          'config',
          'set-context',
          'prod',
          '--server',
          'https://prod.example:7080',
          '--token',
          's3cret-token',
        ])
      ).stdout,
    ).toBe('Context "prod" created.\n');
    const ctx = ['config', 'set-context', 'local', ...direct(), '--namespace', 'demo'];
    if (hub.tokenFile) ctx.splice(ctx.indexOf('--token'), 2, '--token-file', hub.tokenFile);
    expect((await run(ctx)).stdout).toBe('Context "local" created.\n');
    expect(statSync(env['FEDHUB_CONFIG']!).mode & 0o777).toBe(0o600);

    const list = await run(['config', 'get-contexts']);
    expect(list.stdout).toMatch(
      /^CURRENT\s+NAME\s+SERVER\s+NAMESPACE\s+AUTH\n\*\s+prod\s+https:\/\/prod\.example:7080\s+default\s+token\n\s+local\s+/,
    );

    const view = await run(['config', 'view']);
    expect(view.stdout).not.toContain('s3cret-token');
    expect(parse(view.stdout)).toMatchObject({
      'current-context': 'prod',
      contexts: [{ name: 'prod', token: 'REDACTED' }, { name: 'local' }],
    });
    expect((await run(['config', 'view', '--raw'])).stdout).toContain('s3cret-token');

    expect((await run(['config', 'use-context', 'local'])).stdout).toBe('Switched to context "local".\n');
    expect((await run(['config', 'current-context'])).stdout).toBe('local\n');
    // The context now reaches the hub; --context picks another for one call.
    expect((await run(['get', 'clusters'])).code).toBe(0);
    const other = await run(['--context', 'prod', 'get', 'clusters', '--request-timeout', '2s']);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/^error: cannot reach the hub at https:\/\/prod\.example:7080: /);
  });

  it.each([
    [
      'an unknown --context',
      ['--context', 'nope', 'get', 'clusters'],
      2,
      /^error: context "nope" not found \(have: prod, local\)/,
    ],
    ['using an unknown context', ['config', 'use-context', 'nope'], 2, /context "nope" not found/],
    [
      'a server that is not a URL',
      ['config', 'set-context', 'x', '--server', 'hub:7080'],
      2,
      /--server: must be an http:\/\/ or https:\/\/ URL/,
    ],
  ])('refuses %s', async (_name, args, code, message) => {
    const res = await run(args);
    expect(res.code).toBe(code);
    expect(res.stderr).toMatch(message);
  });
});

describe('clusters and tokens', () => {
  it('creates a bootstrap token an agent registers with, then lists, describes and labels the cluster', async () => {
    const token = await run([...direct(), 'token', 'create', '--ttl', '1h', '--max-uses', '1']);
    expect(token.code).toBe(0);
    expect(token.stdout).toMatch(/^fhb_\S+\n$/);
    expect(token.stderr).toMatch(/^bootstrap token \S+: expires \S+, 1 use\(s\)\n$/);
    const agent = grpcClient(
      'AgentService',
      hub.grpcPort,
      hub.caFile ? { caPem: readFileSync(hub.caFile, 'utf8') } : {},
    );
    await agent.call('Register', {
      clusterName: 'c1',
      labels: { env: 'dev' },
      facts: { kubernetesVersion: 'v1.36.3', nodeCount: 3 },
      bootstrapToken: token.stdout.trim(),
    });
    agent.close();

    const table = await run([...direct(), 'get', 'clusters', '-o', 'wide']);
    expect(table.stdout).toMatch(
      /^NAME\s+READY\s+HEALTH\s+REVISION\s+LAST-HEARTBEAT\s+AGE\s+VERSION\s+NODES\s+AGENT\s+LABELS\nc1\s+\S+\s+\S+\s+\d+\s+\S+\s+\d+s\s+v1\.36\.3\s+3\s+\S+\s+env=dev\n$/,
    );

    expect(await run([...direct(), 'label', 'cluster', 'c1', 'tier=gold'])).toMatchObject({
      code: 0,
      stdout: 'cluster/c1 labeled\n',
    });
    const refused = await run([...direct(), 'label', 'cluster', 'c1', 'env=prod']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^error: label failed for cluster\/c1: .*already has label env=dev.*\npass --overwrite to replace the value\n$/,
    );
    expect((await run([...direct(), 'label', 'cluster', 'c1', 'env=prod', '--overwrite'])).code).toBe(0);
    expect(
      (await run([...direct(), 'get', 'clusters', '-l', 'env=prod,tier=gold', '-o', 'name'])).stdout,
    ).toBe('cluster/c1\n');
    expect(await run([...direct(), 'label', 'clusters', 'c1', 'tier-'])).toMatchObject({
      code: 0,
      stdout: 'cluster/c1 unlabeled\n',
    });
    const json = JSON.parse((await run([...direct(), 'get', 'cluster', 'c1', '-o', 'json'])).stdout) as {
      labels: Record<string, string>;
    };
    expect(json.labels).toEqual({ env: 'prod' });

    const described = await run([...direct(), 'describe', 'cluster', 'c1']);
    expect(described.stdout).toMatch(/^Name:\s+c1\nLabels:\s+env=prod\n/);
    expect(described.stdout).toMatch(/Kubernetes:\s+v1\.36\.3\nNodes:\s+3\n/);
    const events = await run([...direct(), 'get', 'events', '--for', 'cluster/c1']);
    expect(events.stdout).toMatch(
      /^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE\n(.*\n)*\d+s\s+Normal\s+ClusterRegistered\s+Cluster\/c1\s+registered with bootstrap token/,
    );
    const none = await run([...direct(), 'get', 'ev', '--for', 'cluster/nope']);
    expect(none).toMatchObject({ code: 0, stdout: '', stderr: 'No events found.\n' });
    // Recent events from the hub's event log.
    expect(described.stdout).toMatch(
      /Events:\n\s+TYPE\s+REASON\s+AGE\s+MESSAGE\n(.*\n)*\s+Normal\s+ClusterRegistered\s+\d+s\s+registered with bootstrap token/,
    );
  });

  it.each([
    [
      'a label on a missing cluster',
      ['label', 'cluster', 'zz', 'a=b'],
      1,
      /^error: clusters "zz" not found\nlist them with fedctl get clusters\n$/,
    ],
    ['a malformed label', ['label', 'cluster', 'c1', 'bad key'], 2, /invalid label spec "bad key"/],
    [
      'labelling something other than a cluster',
      ['label', 'fdeploy', 'web', 'a=b'],
      2,
      /only clusters can be labeled here/,
    ],
    ['a bad token lifetime', ['token', 'create', '--ttl', 'forever'], 2, /--ttl must be a duration/],
    ['a zero use limit', ['token', 'create', '--max-uses', '0'], 2, /--max-uses must be an integer >= 1/],
    [
      'failback of a preference that does not exist',
      ['failback', 'nope', '-n', 'demo'],
      1,
      /^error: failback failed for replicaschedulingpreference\/nope in namespace demo: .*not found\n/,
    ],
    ['agent manifests without --cluster', ['agent', 'manifests'], 2, /--cluster NAME is required/],
  ])('reports %s with its exit code', async (_name, args, code, message) => {
    const res = await run([...direct(), ...args]);
    expect(res.code).toBe(code);
    expect(res.stderr).toMatch(message);
  });
});

describe('when the hub is down', () => {
  it('says where it looked and what to do, with exit 1', async () => {
    const port = await closedPort();
    const res = await run(['get', 'clusters'], { FEDHUB_SERVER: `http://127.0.0.1:${port}` });
    expect(res).toMatchObject({
      code: 1,
      stdout: '',
      stderr: `error: cannot reach the hub at http://127.0.0.1:${port}: connection refused\nis the hub running at http://127.0.0.1:${port}? set --server or a context (fedctl config use-context)\n`,
    });
    const apply = await run([
      '--server',
      `http://127.0.0.1:${port}`,
      'delete',
      'fdeploy',
      'web',
      '-n',
      'demo',
    ]);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toMatch(/is the hub running at/);
  });
});

describe('admin tokens', () => {
  it('mints a read-only token that reads but cannot write, lists it, and revokes it', async () => {
    const created = await run([
      ...direct(),
      'token',
      'create',
      '--admin',
      '--role',
      'read-only',
      '--description',
      'ci reader',
    ]);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^fha_\S+\n$/);
    const id = /^admin token (\S+): role read-only \(shown once\)\n$/.exec(created.stderr)?.[1];
    expect(id, created.stderr).toBeDefined();
    const reader = [
      '--server',
      hub.server,
      ...(hub.caFile ? ['--certificate-authority', hub.caFile] : []),
      '--token',
      created.stdout.trim(),
    ];

    expect((await run([...reader, 'get', 'clusters'])).code).toBe(0);
    const write = await run([...reader, 'label', 'cluster', 'c1', 'team=x']);
    expect(write.code).toBe(1);
    expect(write.stderr).toMatch(
      /^error: label failed for cluster\/c1: role read-only may not .*\nthe token lacks permission for this; use a token with the admin role\n$/,
    );

    const list = await run([...direct(), 'token', 'list']);
    expect(list.stdout).toMatch(
      new RegExp(
        `^ID\\s+ROLE\\s+AGE\\s+REVOKED\\s+DESCRIPTION\\n(.*\\n)*${id}\\s+read-only\\s+\\d+s\\s+-\\s+ci reader\\n`,
      ),
    );
    expect(list.stdout).not.toContain(created.stdout.trim());

    expect(await run([...direct(), 'token', 'revoke', id!])).toMatchObject({
      code: 0,
      stdout: `admin-token/${id} revoked\n`,
    });
    const after = await run([...reader, 'get', 'clusters']);
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(
      /\ncheck the admin token: --token, FEDHUB_TOKEN, or the token\/tokenFile of the context\n$/,
    );
  });

  it.each([
    ['--ttl on an admin token', ['token', 'create', '--admin', '--ttl', '1h'], /apply to bootstrap tokens/],
    ['--role without --admin', ['token', 'create', '--role', 'admin'], /--role needs --admin/],
  ])('refuses %s (exit 2)', async (_name, args, message) => {
    const res = await run([...direct(), ...args]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(message);
  });
});
