// Pins the hub side of the agent protocol over real gRPC: registration, Sync snapshot/delta/live, auth and permission, status and heartbeats.
import { status as grpcStatus } from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collect, eventually, type GrpcClient } from '../../test/hub/support/grpc-clients.ts';
import { manualClock, startTestHub, type TestHub } from '../../test/hub/support/hub-fixture.ts';

type Msg = Record<string, unknown>;
const cm = (name: string, clusters: string) => `
apiVersion: types.kubefed.io/v1beta1
kind: FederatedConfigMap
metadata: {name: ${name}, namespace: web}
spec:
  template: {data: {k: v}}
  placement: {clusters: ${clusters}}
`;

let t: TestHub;
let agent: GrpcClient;
let clock: ReturnType<typeof manualClock>;

async function register(name: string, opts: { maxUses?: number; ttlMs?: number } = {}): Promise<string> {
  const { token } = t.hub.engine.createBootstrapToken(opts);
  const res = await agent.call<{ credential: string }>('Register', {
    clusterName: name,
    labels: { env: 'test' },
    facts: { kubernetesVersion: 'v1.36.3', nodeCount: 3 },
    bootstrapToken: token,
  });
  return res.credential;
}

const keysOf = (m: Msg) => (m['objects'] as Msg[]).map((o) => `${o['deleted'] ? '-' : '+'}${o['key']}`);

beforeEach(async () => {
  clock = manualClock();
  t = await startTestHub({
    clock,
    tls: true,
    argv: ['--sync-chunk-objects', '2', '--tombstone-retention', '1h'],
  });
  agent = t.grpc('AgentService');
});
afterEach(async () => {
  agent.close();
  await t.close();
});

describe('Register', () => {
  it('exchanges a bootstrap token for a credential, stored only as a hash, and is idempotent with it', async () => {
    const credential = await register('a');
    expect(credential).toMatch(/^fhc_[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(t.hub.store.clusters.get('a'))).not.toContain(credential);
    const again = await agent.call<Msg>(
      'Register',
      { clusterName: 'a', labels: { env: 'prod' } },
      credential,
    );
    expect(again).toMatchObject({
      clusterName: 'a',
      credential: '',
      hubId: t.hub.hubId,
      heartbeatIntervalMs: 5000,
    });
    expect(t.hub.store.clusters.get('a')!.labels).toEqual({ env: 'prod' });
  });

  it('refuses a name already owned by another credential with ALREADY_EXISTS', async () => {
    await register('a');
    await expect(register('a')).rejects.toMatchObject({ code: grpcStatus.ALREADY_EXISTS });
  });

  it.each([
    ['an expired token', { ttlMs: 1000 }, 2000, /expired/],
    ['a used-up token', { maxUses: 1 }, 0, /no uses left/],
  ])('refuses %s with UNAUTHENTICATED and records nothing', async (_name, opts, advance, message) => {
    const { token } = t.hub.engine.createBootstrapToken(opts);
    await agent.call('Register', { clusterName: 'first', bootstrapToken: token }).catch(() => undefined);
    clock.advance(advance);
    const before = t.hub.store.clusters.list().length;
    await expect(agent.call('Register', { clusterName: 'b', bootstrapToken: token })).rejects.toMatchObject({
      code: grpcStatus.UNAUTHENTICATED,
      details: expect.stringMatching(message),
    });
    expect(t.hub.store.clusters.get('b')).toBeUndefined();
    expect(t.hub.store.clusters.list().length).toBe(before);
  });

  it.each([
    ['no token and no credential', {}, undefined, grpcStatus.UNAUTHENTICATED],
    [
      'a forged token',
      { bootstrapToken: 'fhb_0123456789abcdef.AAAAAAAAAAAAAAAAAAAAAAAA' },
      undefined,
      grpcStatus.UNAUTHENTICATED,
    ],
    ['an unknown credential', {}, 'fhc_nope', grpcStatus.UNAUTHENTICATED],
    [
      'a cluster name that is not a DNS label',
      { clusterName: 'Bad_Name', bootstrapToken: 'x' },
      undefined,
      grpcStatus.INVALID_ARGUMENT,
    ],
  ])('refuses %s', async (_name, req, credential, code) => {
    await expect(agent.call('Register', { clusterName: 'c', ...req }, credential)).rejects.toMatchObject({
      code,
    });
  });
});

describe('Sync', () => {
  it('sends a chunked snapshot from revision 0, then live deltas in revision order', async () => {
    const cred = await register('a');
    t.hub.engine.apply(['x1', 'x2', 'x3'].map((n) => cm(n, '[{name: a}]')).join('---'));
    const revision = t.hub.store.meta.revision();
    const s = collect(agent.stream('Sync', { clusterName: 'a', sinceRevision: 0 }, cred));
    await s.until((m) => m.some((x) => x['complete']));
    expect(s.messages.map((m) => [m['kind'], m['complete'], m['revision']])).toEqual([
      ['SNAPSHOT', false, revision],
      ['SNAPSHOT', true, revision],
    ]);
    expect(s.messages.flatMap(keysOf)).toEqual([
      '+core/ConfigMap/web/x1',
      '+core/ConfigMap/web/x2',
      '+core/ConfigMap/web/x3',
    ]);
    const manifest = JSON.parse((s.messages[0]!['objects'] as Msg[])[0]!['manifest'] as string);
    expect(manifest).toMatchObject({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x1', namespace: 'web' },
    });

    t.hub.engine.apply(cm('x4', '[{name: a}]'));
    t.hub.engine.delete({ kind: 'FederatedConfigMap', namespace: 'web', name: 'x1' });
    await s.until((m) => m.length >= 4);
    expect(s.messages.slice(2).map((m) => [m['kind'], m['fromRevision'], m['revision'], keysOf(m)])).toEqual([
      ['DELTA', revision, revision + 1, ['+core/ConfigMap/web/x4']],
      ['DELTA', revision + 1, revision + 2, ['-core/ConfigMap/web/x1']],
    ]);
  });

  it('sends only what changed since the agent revision, tombstones included', async () => {
    const cred = await register('a');
    t.hub.engine.apply(cm('x1', '[{name: a}]') + '---' + cm('x2', '[{name: a}]'));
    const since = t.hub.store.meta.revision();
    t.hub.engine.apply(cm('x2', '[]'));
    const s = collect(
      agent.stream('Sync', { clusterName: 'a', sinceRevision: since, hubId: t.hub.hubId }, cred),
    );
    await s.until((m) => m.length >= 1);
    expect(s.messages[0]).toMatchObject({ kind: 'DELTA', fromRevision: since, complete: true });
    expect(keysOf(s.messages[0]!)).toEqual(['-core/ConfigMap/web/x2']);
  });

  it.each([
    ['another hub identity', () => ({ hubId: 'another-hub' })],
    ['a revision ahead of the hub', () => ({ sinceRevision: 999 })],
    [
      'a revision older than compacted history',
      () => {
        clock.advance(2 * 3_600_000);
        t.hub.engine.compact();
        return {};
      },
    ],
  ])('sends a snapshot for %s', async (_name, prepare) => {
    const cred = await register('a');
    t.hub.engine.apply(cm('x1', '[{name: a}]') + '---' + cm('x2', '[{name: a}]'));
    const since = t.hub.store.meta.revision();
    t.hub.engine.delete({ kind: 'FederatedConfigMap', namespace: 'web', name: 'x2' });
    const extra = prepare();
    const s = collect(
      agent.stream('Sync', { clusterName: 'a', sinceRevision: since, hubId: t.hub.hubId, ...extra }, cred),
    );
    await s.until((m) => m.length >= 1);
    expect(s.messages[0]).toMatchObject({ kind: 'SNAPSHOT', complete: true });
    expect(keysOf(s.messages[0]!)).toEqual(['+core/ConfigMap/web/x1']);
  });

  it.each([
    ['no credential', undefined, 'a', grpcStatus.UNAUTHENTICATED],
    ["cluster A's credential asking for B", 'A', 'b', grpcStatus.PERMISSION_DENIED],
  ])('refuses %s', async (_name, which, clusterName, code) => {
    const credA = await register('a');
    await register('b');
    const s = collect(agent.stream('Sync', { clusterName, sinceRevision: 0 }, which ? credA : undefined));
    await eventually(() => s.error());
    expect(s.error()).toMatchObject({ code });
    expect(s.messages).toEqual([]);
  });

  it('ends live streams when the hub stops, so agents reconnect elsewhere', async () => {
    const cred = await register('a');
    const stream = agent.stream('Sync', { clusterName: 'a', sinceRevision: 0 }, cred);
    const s = collect(stream);
    const ended = new Promise<string>((resolve) => {
      stream.on('end', () => resolve('end'));
      stream.on('error', () => resolve('error'));
    });
    await s.until((m) => m.length >= 1);
    await t.hub.stop();
    // 'end' is a clean OK status; a stream cut by the forced shutdown would be an 'error'.
    expect(await ended).toBe('end');
    expect(t.hub.lifecycle()).toBe('Stopped');
  });

  it('delivers a large slice complete and in order when the reader is slow', async () => {
    const cred = await register('a');
    const big = 'x'.repeat(4000);
    const docs = Array.from({ length: 300 }, (_, i) =>
      cm(`big${String(i).padStart(3, '0')}`, '[{name: a}]').replace('k: v', `k: ${big}`),
    );
    t.hub.engine.apply(docs.join('---'));
    const stream = agent.stream('Sync', { clusterName: 'a', sinceRevision: 0 }, cred);
    stream.pause();
    const s = collect(stream);
    await new Promise((r) => setTimeout(r, 200));
    stream.resume();
    await s.until((m) => m.some((x) => x['complete']), 10_000);
    const keys = s.messages.flatMap(keysOf);
    expect(keys.length).toBe(300);
    expect(keys).toEqual([...keys].sort());
    expect(s.messages.filter((m) => m['complete']).length).toBe(1);
  });
});

describe('ReportStatus and Heartbeat', () => {
  it('stores object status, shows it in the resource, and ignores keys outside the slice', async () => {
    const cred = await register('a');
    t.hub.engine.apply(cm('x1', '[{name: a}]'));
    const revision = t.hub.store.meta.revision();
    const ack = await agent.call<Msg>(
      'ReportStatus',
      {
        clusterName: 'a',
        appliedRevision: revision,
        objects: [
          {
            key: 'core/ConfigMap/web/x1',
            status: 'Ok',
            revision,
            generation: 1,
            observedGeneration: 1,
            health: 'Healthy',
          },
          { key: 'core/ConfigMap/web/not-mine', status: 'Ok', revision, health: 'Healthy' },
        ],
      },
      cred,
    );
    expect(ack).toEqual({ appliedRevision: revision });
    expect(t.hub.store.status.get('a', 'core/ConfigMap/web/not-mine')).toBeUndefined();
    expect(t.hub.store.clusters.get('a')!.appliedRevision).toBe(revision);
    const view = t.hub.engine.get({ kind: 'FederatedConfigMap', namespace: 'web', name: 'x1' });
    expect(view['status']).toMatchObject({
      clusters: [{ cluster: 'a', status: 'Ok' }],
      conditions: [{ type: 'Propagation', status: 'True' }],
      objects: [{ cluster: 'a', key: 'core/ConfigMap/web/x1', status: 'Ok', health: 'Healthy' }],
    });
    const changes = t.hub.store.totalChanges();
    await agent.call(
      'ReportStatus',
      {
        clusterName: 'a',
        appliedRevision: revision,
        objects: [
          {
            key: 'core/ConfigMap/web/x1',
            status: 'Ok',
            revision,
            generation: 1,
            observedGeneration: 1,
            health: 'Healthy',
          },
        ],
      },
      cred,
    );
    expect(t.hub.store.totalChanges()).toBe(changes);
  });

  it.each([
    [
      "cluster A's credential reporting for B",
      'ReportStatus',
      { clusterName: 'b' },
      grpcStatus.PERMISSION_DENIED,
    ],
    [
      "cluster A's credential heartbeating for B",
      'Heartbeat',
      { clusterName: 'b' },
      grpcStatus.PERMISSION_DENIED,
    ],
    [
      'an unknown per-cluster status',
      'ReportStatus',
      { clusterName: 'a', objects: [{ key: 'k', status: 'Fine' }] },
      grpcStatus.INVALID_ARGUMENT,
    ],
    [
      'an unknown cluster health',
      'Heartbeat',
      { clusterName: 'a', health: 'Sick' },
      grpcStatus.INVALID_ARGUMENT,
    ],
  ])('refuses %s', async (_name, method, req, code) => {
    const cred = await register('a');
    await register('b');
    await expect(agent.call(method, req, cred)).rejects.toMatchObject({ code });
    expect(t.hub.store.clusters.get('b')!.lastHeartbeatAt).toBeNull();
  });

  it('records heartbeat time, health, facts and applied revision', async () => {
    const cred = await register('a');
    clock.advance(1234);
    const res = await agent.call<Msg>(
      'Heartbeat',
      {
        clusterName: 'a',
        health: 'Unhealthy',
        message: 'nodes not ready',
        facts: { nodeCount: 7, allocatable: { cpu: '8' } },
        appliedRevision: 0,
      },
      cred,
    );
    expect(res).toMatchObject({ hubId: t.hub.hubId, heartbeatIntervalMs: 5000, receivedAtMs: clock.now() });
    expect(t.hub.store.clusters.get('a')).toMatchObject({
      lastHeartbeatAt: clock.now(),
      health: 'Unhealthy',
      healthMessage: 'nodes not ready',
      // Still planned over: replicas move only after the failover delay (the health monitor decides).
      ready: true,
      facts: { nodeCount: 7, allocatable: { cpu: '8' } },
    });
    expect(t.hub.engine.health.health('a')).toMatchObject({
      ready: 'False',
      reason: 'AgentReportedUnhealthy',
      availability: 'Suspect',
    });
  });
});
