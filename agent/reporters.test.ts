// Pins status reporting over real gRPC: batched, only what changed, a full resend after a reset, retry when the hub fails; and heartbeats at their interval.
import * as grpc from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../shared/logger.ts';
import { startScriptedHub, type ScriptedHub } from '../test/agent/scripted-hub.ts';
import type { ObjectStatusValue } from './core/object-status.ts';
import { createHubClient, type HubClient } from './grpc/hub-client.ts';
import { createStatusReporter, runHeartbeats } from './reporters.ts';

const log = createLogger({ level: 'silent' });
const status = (key: string, patch: Partial<ObjectStatusValue> = {}): ObjectStatusValue => ({
  key,
  status: 'Ok',
  message: '',
  revision: 1,
  generation: 1,
  observedGeneration: 1,
  health: 'Healthy',
  conditions: [],
  driftCorrections: 0,
  unschedulableReplicas: 0,
  unschedulableSinceMs: 0,
  ...patch,
});

async function until(what: string, f: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!f()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

let hub: ScriptedHub;
let client: HubClient;
let credential: string;
let ctl: AbortController;

beforeEach(async () => {
  hub = await startScriptedHub();
  client = createHubClient({ address: hub.address, channelCredentials: grpc.credentials.createInsecure() });
  const facts = { kubernetesVersion: '', nodeCount: 0, allocatable: {}, agentVersion: '' };
  ctl = new AbortController();
  credential = (
    await client.register(
      { clusterName: 'east', labels: {}, facts, bootstrapToken: 'bootstrap-token' },
      undefined,
      ctl.signal,
    )
  ).credential;
});
afterEach(async () => {
  ctl.abort();
  client.close();
  await hub.stop();
});

describe('status reporter', () => {
  function reporter(
    statuses: Map<string, ObjectStatusValue>,
    revision: { v: number },
    cred = () => credential as string | undefined,
  ) {
    return createStatusReporter({
      hub: client,
      log,
      clusterName: 'east',
      batchMs: 30,
      credential: cred,
      statuses: () => statuses,
      appliedRevision: () => revision.v,
      signal: ctl.signal,
    });
  }

  it('gathers changes within the batch window into one report', async () => {
    const statuses = new Map<string, ObjectStatusValue>();
    const r = reporter(statuses, { v: 3 });
    statuses.set('a', status('a'));
    r.schedule();
    statuses.set('b', status('b'));
    r.schedule();
    await until('one report', () => hub.reports.length === 1);
    await new Promise((res) => setTimeout(res, 100));
    expect(hub.reports).toHaveLength(1);
    expect(hub.reports[0]).toMatchObject({ appliedRevision: 3, removed: [] });
    expect(hub.reports[0]!.objects.map((o) => o.key)).toEqual(['a', 'b']);
  });

  it.each<[string, (s: Map<string, ObjectStatusValue>, rev: { v: number }) => void, string[], string[]]>([
    ['an unchanged status is not reported again', () => {}, [], []],
    ['a changed status is reported alone', (s) => s.set('b', status('b', { readyReplicas: 2 })), ['b'], []],
    ['a vanished status is reported as removed', (s) => s.delete('a'), [], ['a']],
    ['a new applied revision is reported without objects', (_s, rev) => (rev.v = 4), [], []],
  ])('%s', async (_n, change, changed, removed) => {
    const statuses = new Map([
      ['a', status('a')],
      ['b', status('b')],
    ]);
    const rev = { v: 3 };
    const r = reporter(statuses, rev);
    await r.flush();
    const before = hub.reports.length;
    change(statuses, rev);
    await r.flush();
    const after = hub.reports.slice(before);
    if (changed.length === 0 && removed.length === 0 && rev.v === 3) {
      expect(after).toEqual([]);
    } else {
      expect(after).toHaveLength(1);
      expect(after[0]!.objects.map((o) => o.key)).toEqual(changed);
      expect(after[0]!.removed).toEqual(removed);
      expect(after[0]!.appliedRevision).toBe(rev.v);
    }
  });

  it('resends everything after a reset (a new hub session)', async () => {
    const statuses = new Map([['a', status('a')]]);
    const r = reporter(statuses, { v: 1 });
    await r.flush();
    r.reset();
    await r.flush();
    expect(hub.reports.map((x) => x.objects.length)).toEqual([1, 1]);
  });

  it('sends nothing without a credential, and reports once one exists', async () => {
    const held: { credential?: string } = {};
    const statuses = new Map([['a', status('a')]]);
    const r = reporter(statuses, { v: 1 }, () => held.credential);
    await r.flush();
    expect(hub.reports).toEqual([]);
    held.credential = credential;
    await r.flush();
    expect(hub.reports).toHaveLength(1);
  });
});

describe('heartbeats', () => {
  it('are sent at the interval with health, facts, message and applied revision', async () => {
    const hbCtl = new AbortController();
    const done = runHeartbeats(
      {
        hub: client,
        log,
        clusterName: 'east',
        credential: () => credential,
        intervalMs: () => 50,
        health: async () => ({ health: 'Healthy', message: '' }),
        facts: async () => ({
          kubernetesVersion: 'v1.36.3',
          nodeCount: 3,
          allocatable: { cpu: '96' },
          agentVersion: 't',
        }),
        appliedRevision: () => 7,
        note: () => 'waiting for a decision',
        now: () => 42,
      },
      hbCtl.signal,
    );
    await until('three heartbeats', () => hub.heartbeats.length >= 3);
    hbCtl.abort();
    await done;
    expect(hub.heartbeats[0]).toMatchObject({
      clusterName: 'east',
      health: 'Healthy',
      message: 'waiting for a decision',
      appliedRevision: 7,
      facts: { kubernetesVersion: 'v1.36.3', nodeCount: 3, allocatable: { cpu: '96' } },
    });
  });
});
