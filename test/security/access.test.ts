// Pins who may do what on a TLS hub: a cluster credential acts only for its own cluster and never on the admin API; bootstrap tokens expire and run out; revoked, deleted and rotated credentials are refused and their streams cut; read-only admin tokens cannot write; plaintext clients are refused; nothing secret reaches the log.
import { status as grpcStatus } from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { collect, eventually, grpcClient, type GrpcClient } from '../hub/support/grpc-clients.ts';
import { manualClock, startTestHub, type TestHub } from '../hub/support/hub-fixture.ts';
import { httpRequest } from '../hub/support/http-client.ts';
import { assertNoSecretsInLogs } from '../support/log-scan.ts';
import { registerOverWire } from './support.ts';

let t: TestHub;
let agent: GrpcClient;
let admin: GrpcClient;
const clock = manualClock(Date.now());
const secrets: string[] = [];
let n = 0;
/** A fresh cluster name per test, so tests do not share state. */
const fresh = (prefix: string) => `${prefix}-${++n}`;

beforeAll(async () => {
  t = await startTestHub({ tls: true, clock, captureLogs: true });
  agent = t.grpc('AgentService');
  admin = t.grpc('AdminService');
  secrets.push(t.adminToken);
});
afterAll(async () => {
  agent.close();
  admin.close();
  await t.close();
});
afterEach(() => {
  assertNoSecretsInLogs(t.logs.text(), secrets);
});

async function cluster(prefix: string): Promise<{ name: string; credential: string }> {
  const name = fresh(prefix);
  const credential = await registerOverWire(t.hub.engine, agent, name);
  secrets.push(credential);
  return { name, credential };
}

const placeOn = (name: string, clusters: string[]) => `
apiVersion: types.kubefed.io/v1beta1
kind: FederatedConfigMap
metadata: {name: ${name}, namespace: web}
spec:
  template: {data: {k: v}}
  placement: {clusters: [${clusters.map((c) => `{name: ${c}}`).join(', ')}]}
`;

describe('a cluster credential', () => {
  it.each([
    ['Sync', 'reading another cluster’s slice'],
    ['ReportStatus', 'reporting status for another cluster'],
    ['Heartbeat', 'heartbeating for another cluster'],
    ['RotateCredential', 'rotating another cluster’s credential'],
  ])('is refused %s (%s) with PERMISSION_DENIED', async (method, _what) => {
    const a = await cluster('a');
    const b = await cluster('b');
    const before = t.hub.store.clusters.get(b.name);
    const req = { clusterName: b.name, sinceRevision: 0, appliedRevision: 1, health: 'Healthy' };
    if (method === 'Sync') {
      const s = collect(agent.stream('Sync', req, a.credential));
      await eventually(() => s.error());
      expect(s.error()).toMatchObject({ code: grpcStatus.PERMISSION_DENIED });
      expect(s.messages).toEqual([]);
    } else {
      await expect(agent.call(method, req, a.credential)).rejects.toMatchObject({
        code: grpcStatus.PERMISSION_DENIED,
      });
    }
    expect(t.hub.store.clusters.get(b.name)).toEqual(before);
  });

  it.each([
    ['AdminService ListClusters', 'grpc-read'],
    ['AdminService Apply', 'grpc-write'],
    ['REST GET /apis/v1/clusters', 'rest-read'],
    ['REST POST /apis/v1/apply', 'rest-write'],
  ])('cannot call the admin API: %s is PERMISSION_DENIED / 403', async (_name, how) => {
    const a = await cluster('a');
    const revision = t.hub.store.meta.revision();
    if (how === 'grpc-read') {
      await expect(admin.call('ListClusters', {}, a.credential)).rejects.toMatchObject({
        code: grpcStatus.PERMISSION_DENIED,
        details: expect.stringMatching(/cluster credential cannot call the admin API/),
      });
    } else if (how === 'grpc-write') {
      await expect(
        admin.call('Apply', { documents: placeOn('x', [a.name]) }, a.credential),
      ).rejects.toMatchObject({ code: grpcStatus.PERMISSION_DENIED });
    } else {
      const [method, path] = how === 'rest-read' ? ['GET', '/apis/v1/clusters'] : ['POST', '/apis/v1/apply'];
      const res = await t.http(
        method,
        path,
        method === 'POST' ? placeOn('x', [a.name]) : undefined,
        undefined,
        {
          authorization: `Bearer ${a.credential}`,
        },
      );
      expect(res.status).toBe(403);
    }
    expect(t.hub.store.meta.revision()).toBe(revision);
  });
});

describe('bootstrap tokens', () => {
  it.each([
    ['an expired token', { ttlMs: 60_000 }, 61_000, /expired/],
    ['a used-up token', { maxUses: 1 }, 0, /no uses left/],
    ['a made-up token', undefined, 0, /invalid bootstrap token/],
  ])('refuse %s with UNAUTHENTICATED and record nothing', async (_name, opts, advance, message) => {
    const token = opts
      ? t.hub.engine.createBootstrapToken(opts).token
      : 'fhb_0123456789abcdef.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    secrets.push(token);
    if (opts && 'maxUses' in opts)
      await agent.call('Register', { clusterName: fresh('first'), bootstrapToken: token });
    clock.advance(advance);
    const name = fresh('late');
    await expect(agent.call('Register', { clusterName: name, bootstrapToken: token })).rejects.toMatchObject({
      code: grpcStatus.UNAUTHENTICATED,
      details: expect.stringMatching(message),
    });
    expect(t.hub.store.clusters.get(name)).toBeUndefined();
  });

  it('come with the CA that verifies the hub, over REST and gRPC', async () => {
    const rest = await t.http('POST', '/apis/v1/bootstrap-tokens', {});
    expect(rest.status).toBe(201);
    const grpc = await admin.call<{ caPem: string; token: string }>('CreateBootstrapToken', {});
    secrets.push(rest.body['token'] as string, grpc.token);
    expect(rest.body['caPem']).toBe(t.hub.caPem);
    expect(grpc.caPem).toBe(t.hub.caPem);
    // An agent holding only the bundle can register over a verified channel.
    const verified = grpcClient('AgentService', t.hub.grpcPort, { caPem: rest.body['caPem'] as string });
    const res = await verified.call<{ credential: string }>('Register', {
      clusterName: fresh('bundle'),
      bootstrapToken: rest.body['token'],
    });
    secrets.push(res.credential);
    verified.close();
    expect(res.credential).toMatch(/^fhc_/);
  });
});

describe('revocation, deletion and rotation', () => {
  const openStream = (name: string, credential: string) =>
    collect(agent.stream('Sync', { clusterName: name, sinceRevision: 0 }, credential));

  it.each([
    ['revoking over REST', 'rest-revoke'],
    ['revoking over gRPC', 'grpc-revoke'],
    ['deleting over REST', 'rest-delete'],
    ['deleting over gRPC', 'grpc-delete'],
  ])('%s cuts the open stream at once and refuses the credential afterwards', async (_name, how) => {
    const a = await cluster('cut');
    t.hub.engine.apply(placeOn(`cm-${a.name}`, [a.name]));
    const s = openStream(a.name, a.credential);
    await s.until((m) => m.length > 0);
    if (how === 'rest-revoke')
      expect((await t.http('POST', `/apis/v1/clusters/${a.name}/revoke`)).status).toBe(200);
    if (how === 'grpc-revoke') await admin.call('RevokeCluster', { name: a.name });
    if (how === 'rest-delete')
      expect((await t.http('DELETE', `/apis/v1/clusters/${a.name}`)).status).toBe(200);
    if (how === 'grpc-delete') await admin.call('DeleteCluster', { name: a.name });
    await eventually(() => s.error(), 2000);
    expect(s.error()).toMatchObject({ code: grpcStatus.UNAUTHENTICATED });
    for (const method of ['Heartbeat', 'ReportStatus']) {
      await expect(
        agent.call(method, { clusterName: a.name, health: 'Healthy' }, a.credential),
      ).rejects.toMatchObject({ code: grpcStatus.UNAUTHENTICATED });
    }
    const again = openStream(a.name, a.credential);
    await eventually(() => again.error());
    expect(again.error()).toMatchObject({ code: grpcStatus.UNAUTHENTICATED });
    if (how.endsWith('revoke')) {
      expect(t.hub.store.clusters.get(a.name)).toMatchObject({ revokedAt: expect.any(Number), ready: false });
      // The name stays taken until deleted.
      const { token } = t.hub.engine.createBootstrapToken({});
      await expect(
        agent.call('Register', { clusterName: a.name, bootstrapToken: token }),
      ).rejects.toMatchObject({ code: grpcStatus.PERMISSION_DENIED });
    } else {
      expect(t.hub.store.clusters.get(a.name)).toBeUndefined();
      expect(t.hub.store.slices.listLive(a.name)).toEqual([]);
      // A deleted name may register again, with a new credential.
      const credential = await registerOverWire(t.hub.engine, agent, a.name);
      secrets.push(credential);
      expect(credential).not.toBe(a.credential);
    }
  });

  it('rotation hands out a new credential, refuses the old one and ends streams opened with it', async () => {
    const a = await cluster('rot');
    const s = openStream(a.name, a.credential);
    await s.until((m) => m.length > 0);
    const res = await agent.call<{ credential: string; clusterName: string }>(
      'RotateCredential',
      { clusterName: a.name },
      a.credential,
    );
    secrets.push(res.credential);
    expect(res).toMatchObject({ clusterName: a.name, credential: expect.stringMatching(/^fhc_/) });
    expect(res.credential).not.toBe(a.credential);
    await eventually(() => s.error(), 2000);
    expect(s.error()).toMatchObject({ code: grpcStatus.UNAUTHENTICATED });
    await expect(
      agent.call('Heartbeat', { clusterName: a.name, health: 'Healthy' }, a.credential),
    ).rejects.toMatchObject({ code: grpcStatus.UNAUTHENTICATED });
    await expect(agent.call('RotateCredential', { clusterName: a.name }, a.credential)).rejects.toMatchObject(
      { code: grpcStatus.UNAUTHENTICATED },
    );
    await expect(
      agent.call('Heartbeat', { clusterName: a.name, health: 'Healthy' }, res.credential),
    ).resolves.toMatchObject({ hubId: t.hub.hubId });
    const fresh = openStream(a.name, res.credential);
    await fresh.until((m) => m.length > 0);
    expect(fresh.error()).toBeUndefined();
    expect(JSON.stringify(t.hub.store.clusters.get(a.name))).not.toContain(res.credential);
  });
});

describe('admin tokens', () => {
  it('an admin mints a read-only token that reads but cannot write, over REST and gRPC', async () => {
    const minted = await t.http('POST', '/apis/v1/admin-tokens', {
      role: 'read-only',
      description: 'viewer',
    });
    expect(minted.status).toBe(201);
    const ro = minted.body['token'] as string;
    secrets.push(ro);
    expect(minted.body).toMatchObject({ role: 'read-only', description: 'viewer', id: expect.any(String) });
    const auth = { authorization: `Bearer ${ro}` };
    expect((await t.http('GET', '/apis/v1/clusters', undefined, undefined, auth)).status).toBe(200);
    await expect(admin.call('ListClusters', {}, ro)).resolves.toBeDefined();
    const revision = t.hub.store.meta.revision();
    const tokens = t.hub.store.adminTokens.count();
    const writes: Array<[string, string, string | object | undefined]> = [
      ['POST', '/apis/v1/apply', placeOn('ro', ['a-1'])],
      ['POST', '/apis/v1/bootstrap-tokens', {}],
      ['POST', '/apis/v1/admin-tokens', { role: 'admin' }],
      ['GET', '/apis/v1/admin-tokens', undefined],
      ['DELETE', '/apis/v1/resources/FederatedConfigMap/web/x', undefined],
      ['PATCH', '/apis/v1/clusters/a-1/labels', { x: 'y' }],
    ];
    for (const [method, path, body] of writes) {
      const res = await t.http(method, path, body, undefined, auth);
      expect({ method, path, status: res.status }).toEqual({ method, path, status: 403 });
    }
    for (const [method, req] of [
      ['Apply', { documents: placeOn('ro', ['a-1']) }],
      ['CreateBootstrapToken', {}],
      ['CreateAdminToken', { role: 'admin' }],
      ['RevokeCluster', { name: 'a-1' }],
    ] as const) {
      await expect(admin.call(method, req, ro)).rejects.toMatchObject({ code: grpcStatus.PERMISSION_DENIED });
    }
    expect(t.hub.store.meta.revision()).toBe(revision);
    expect(t.hub.store.adminTokens.count()).toBe(tokens);
  });

  it('a revoked admin token is refused, and the list never shows a secret or hash', async () => {
    const minted = await admin.call<{ token: string; id: string }>('CreateAdminToken', { role: 'admin' });
    secrets.push(minted.token);
    await expect(admin.call('ListClusters', {}, minted.token)).resolves.toBeDefined();
    expect((await t.http('DELETE', `/apis/v1/admin-tokens/${minted.id}`)).status).toBe(200);
    await expect(admin.call('ListClusters', {}, minted.token)).rejects.toMatchObject({
      code: grpcStatus.UNAUTHENTICATED,
    });
    const list = await t.http('GET', '/apis/v1/admin-tokens');
    const text = JSON.stringify(list.body);
    expect(text).toContain(minted.id);
    expect(text).not.toContain(minted.token.split('.')[1]);
    expect(text).not.toContain(t.hub.store.adminTokens.get(minted.id)!.hash);
  });

  it.each([
    ['no token', ''],
    ['a malformed token', 'Bearer nonsense'],
    ['a made-up admin token', 'Bearer fha_0123456789abcdef.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['a bootstrap token', 'Bearer fhb_0123456789abcdef.AAAAAAAAAAAAAAAAAAAAAAAA'],
  ])('with %s, no write path is open (401, nothing stored)', async (_name, authorization) => {
    const revision = t.hub.store.meta.revision();
    for (const [method, path, body] of [
      ['POST', '/apis/v1/apply', placeOn('anon', ['a-1'])],
      ['POST', '/apis/v1/bootstrap-tokens', {}],
      ['POST', '/apis/v1/admin-tokens', {}],
      ['DELETE', '/apis/v1/clusters/a-1', undefined],
      ['GET', '/apis/v1/ca', undefined],
    ] as const) {
      const res = await t.http(method, path, body, undefined, { authorization });
      expect({ path, status: res.status }).toEqual({ path, status: 401 });
    }
    expect(t.hub.store.meta.revision()).toBe(revision);
  });

  it('GET /apis/v1/ca answers the CA PEM to an admin token', async () => {
    const res = await t.http('GET', '/apis/v1/ca');
    expect(res.status).toBe(200);
    expect(res.text).toBe(t.hub.caPem);
    expect(await admin.call('GetCa', {})).toEqual({ caPem: t.hub.caPem });
  });
});

describe('the log', () => {
  it('records what happened (so the scan after each test has lines to scan)', () => {
    const text = t.logs.text();
    for (const msg of [
      'cluster registered',
      'cluster revoked',
      'cluster deleted',
      'cluster credential rotated',
    ]) {
      expect(text).toContain(msg);
    }
  });
});

describe('transport', () => {
  it('refuses a plaintext gRPC client and a plaintext HTTP client', async () => {
    const plain = grpcClient('AdminService', t.hub.grpcPort);
    await expect(plain.call('ListClusters', {}, t.adminToken)).rejects.toMatchObject({
      code: grpcStatus.UNAVAILABLE,
    });
    plain.close();
    const http = await httpRequest({
      port: t.hub.httpPort,
      caPem: undefined,
      method: 'GET',
      path: '/healthz',
    }).then(
      (r) => r.status,
      (e: unknown) => e,
    );
    // The TLS listener answers plaintext with a 400 or drops it; either way nothing is served.
    if (typeof http === 'number') expect(http).toBe(400);
    else expect(http).toBeInstanceOf(Error);
  });

  it('refuses a TLS client that does not trust the hub’s CA', async () => {
    const other = await startTestHub({ tls: true });
    const wrongCa = grpcClient('AdminService', t.hub.grpcPort, { caPem: other.hub.caPem });
    await expect(wrongCa.call('ListClusters', {}, t.adminToken)).rejects.toMatchObject({
      code: grpcStatus.UNAVAILABLE,
    });
    wrongCa.close();
    await expect(
      httpRequest({ port: t.hub.httpPort, caPem: other.hub.caPem, method: 'GET', path: '/healthz' }),
    ).rejects.toThrow(/certificate|self.signed|verify/i);
    await other.close();
  });
});
