// Pins the agent's hub session over real gRPC: bootstrap then credential-only registration, resume from the applied revision, chunked snapshots, reconnect with backoff.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../shared/logger.ts';
import { startScriptedHub, type ScriptedHub } from '../test/agent/scripted-hub.ts';
import type { SliceUpdate } from './core/desired-set.ts';
import { createHubClient, isRetryable, type HubClient } from './grpc/hub-client.ts';
import { createHubSession } from './hub-session.ts';
import { openStateStore, type StateStore } from './state-store.ts';

const log = createLogger({ level: 'silent' });
const facts = async () => ({
  kubernetesVersion: 'v1.36.3',
  nodeCount: 3,
  allocatable: { cpu: '96' },
  agentVersion: 't',
});
const cm = (name: string, v = '1') => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'n' },
  data: { v },
});

async function until<T>(what: string, f: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

let dir: string;
let hub: ScriptedHub;
let client: HubClient;
let store: StateStore;
const running: Array<{ ctl: AbortController; done: Promise<void> }> = [];

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'fedhub-session-'));
  hub = await startScriptedHub({ hubId: 'hub-a', heartbeatIntervalMs: 1234 });
  client = createHubClient({ address: hub.address, channelCredentials: grpc.credentials.createInsecure() });
  store = openStateStore(dir);
});
afterEach(async () => {
  for (const r of running.splice(0)) {
    r.ctl.abort();
    await r.done;
  }
  client.close();
  await hub.stop();
  rmSync(dir, { recursive: true, force: true });
});

function start(opts: { hubId?: string; revision?: number; token?: string } = {}) {
  const updates: SliceUpdate[] = [];
  const registered: Array<{ hubId: string; heartbeatIntervalMs: number }> = [];
  let revision = opts.revision ?? 0;
  const session = createHubSession(
    {
      hub: client,
      store,
      log,
      clusterName: 'east',
      labels: { region: 'eu' },
      bootstrapToken: () => opts.token,
      facts,
      backoff: { initialMs: 20, maxMs: 200, multiplier: 2, jitter: 0.5 },
      random: () => 0.5,
      applyUpdate: async (u) => {
        updates.push(u);
        revision = u.revision;
      },
      onRegistered: (i) => registered.push(i),
    },
    opts.hubId ?? '',
    revision,
  );
  const ctl = new AbortController();
  const done = session.run(ctl.signal);
  running.push({ ctl, done });
  return { session, updates, registered, stop: () => (ctl.abort(), done), revision: () => revision };
}

describe('hub session', () => {
  it('registers with the bootstrap token once, stores the credential privately, and takes a chunked snapshot', async () => {
    hub.upsert(cm('a'));
    hub.upsert(cm('b'));
    hub.upsert(cm('c'));
    const s = start({ token: 'bootstrap-token' });
    const u = await until('snapshot', () => s.updates[0]);
    expect(u.kind).toBe('SNAPSHOT');
    expect(u.changes.map((c) => c.key).sort()).toEqual([
      'core/ConfigMap/n/a',
      'core/ConfigMap/n/b',
      'core/ConfigMap/n/c',
    ]);
    expect(u.revision).toBe(3);
    expect(hub.registers).toHaveLength(1);
    expect(hub.registers[0]).toMatchObject({
      bootstrapToken: 'bootstrap-token',
      authorization: '',
      labels: { region: 'eu' },
    });
    expect(store.readCredential()).toMatch(/^cred-east-/);
    expect(statSync(path.join(dir, 'credential')).mode & 0o777).toBe(0o600);
    expect(s.registered[0]).toEqual({ hubId: 'hub-a', heartbeatIntervalMs: 1234 });
  });

  it('after a restart re-registers with the credential only and resumes from its revision', async () => {
    hub.upsert(cm('a'));
    const first = start({ token: 'bootstrap-token' });
    await until('snapshot', () => first.updates[0]);
    await first.stop();
    hub.upsert(cm('b'));
    const second = start({ hubId: 'hub-a', revision: 1, token: 'bootstrap-token' });
    const u = await until('delta', () => second.updates[0]);
    expect(u).toMatchObject({ kind: 'DELTA', fromRevision: 1, revision: 2 });
    expect(u.changes.map((c) => c.key)).toEqual(['core/ConfigMap/n/b']);
    const again = hub.registers[1]!;
    expect(again.bootstrapToken).toBe('');
    expect(again.authorization).toMatch(/^Bearer cred-east-/);
    expect(hub.syncRequests.at(-1)).toEqual({ clusterName: 'east', sinceRevision: 1, hubId: 'hub-a' });
  });

  it('receives live deltas in order', async () => {
    const s = start({ token: 'bootstrap-token' });
    await until('stream', () => hub.openStreams() === 1);
    hub.upsert(cm('a'));
    hub.remove('core/ConfigMap/n/a');
    await until('two deltas', () => s.updates.length === 3);
    expect(s.updates.map((u) => [u.kind, u.revision])).toEqual([
      ['SNAPSHOT', 0],
      ['DELTA', 1],
      ['DELTA', 2],
    ]);
    expect(s.updates[2]!.changes[0]).toMatchObject({ key: 'core/ConfigMap/n/a', deleted: true });
  });

  it('reconnects after the stream drops and resumes from the last applied revision', async () => {
    const s = start({ token: 'bootstrap-token' });
    await until('stream', () => hub.openStreams() === 1);
    hub.upsert(cm('a'));
    await until('delta', () => s.revision() === 1);
    hub.dropStreams();
    hub.upsert(cm('b'));
    await until('resumed', () => s.revision() === 2);
    expect(hub.syncRequests.at(-1)?.sinceRevision).toBe(1);
    expect(s.updates.filter((u) => u.kind === 'SNAPSHOT')).toHaveLength(1);
  });

  it('asks a hub with another identity for a snapshot', async () => {
    hub.upsert(cm('a'));
    start({ token: 'bootstrap-token' });
    await until('stream', () => hub.openStreams() === 1);
    const s = start({ hubId: 'old-hub', revision: 50 });
    await until('snapshot', () => s.updates[0]);
    expect(hub.syncRequests.at(-1)).toEqual({ clusterName: 'east', sinceRevision: 0, hubId: 'old-hub' });
    expect(s.updates[0]!.kind).toBe('SNAPSHOT');
  });

  it('without a credential or bootstrap token keeps retrying and applies nothing', async () => {
    const s = start({});
    await until('retries', () => hub.registers.length >= 0 && s.session.state().attempt >= 3);
    expect(hub.syncRequests).toEqual([]);
    expect(s.updates).toEqual([]);
  });

  it('keeps trying while the hub is down and syncs once it is back', async () => {
    const s = start({ token: 'bootstrap-token' });
    await until('stream', () => hub.openStreams() === 1);
    const port = hub.port;
    await hub.stop();
    await until('backing off', () => s.session.state().attempt >= 2);
    hub = await startScriptedHub({ hubId: 'hub-a', port });
    hub.upsert(cm('z'));
    // The new hub knows no credential: the agent falls back to its bootstrap token.
    const u = await until('snapshot from the restarted hub', () => s.updates.find((x) => x.revision === 1));
    expect(u.changes.map((c) => c.key)).toEqual(['core/ConfigMap/n/z']);
  });
});

describe('isRetryable', () => {
  it.each([
    ['an unavailable hub is retried', grpc.status.UNAVAILABLE, true],
    ['a deadline is retried', grpc.status.DEADLINE_EXCEEDED, true],
    ['a refused credential is not', grpc.status.UNAUTHENTICATED, false],
    ['another cluster is not', grpc.status.PERMISSION_DENIED, false],
  ])('%s', (_n, code, expected) => {
    expect(isRetryable({ code })).toBe(expected);
  });
});
