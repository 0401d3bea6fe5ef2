// Pins `apply --wait`'s judgement of per-cluster progress (Ok and healthy and ready is done; failures settle; everything else waits), its change lines and summary.
import { describe, expect, it } from 'vitest';
import {
  computeWaitSnapshot,
  describeProgressChanges,
  formatWaitSummary,
  objectProgress,
} from './wait-progress.ts';

const view = (...objects: Array<Record<string, unknown>>) => ({ status: { objects } });
const ok = (cluster: string, extra: Record<string, unknown> = {}) => ({
  cluster,
  status: 'Ok',
  health: 'Healthy',
  ...extra,
});

describe('objectProgress', () => {
  it.each([
    ['Ok and Healthy is ready', { status: 'Ok', health: 'Healthy' }, 'Ready'],
    ['Ok without a health report is ready', { status: 'Ok' }, 'Ready'],
    ['Ok but Progressing waits', { status: 'Ok', health: 'Progressing' }, 'Waiting'],
    ['Ok but Degraded has failed', { status: 'Ok', health: 'Degraded' }, 'Failed'],
    [
      'Ok with fewer ready replicas than replicas waits',
      { status: 'Ok', health: 'Healthy', replicas: 3, readyReplicas: 2 },
      'Waiting',
    ],
    ['Ok with every replica ready is ready', { status: 'Ok', replicas: 3, readyReplicas: 3 }, 'Ready'],
    ['Pending waits', { status: 'Pending' }, 'Waiting'],
    ['ClusterNotReady waits (the cluster may come back)', { status: 'ClusterNotReady' }, 'Waiting'],
    ['WaitingForRemoval waits', { status: 'WaitingForRemoval' }, 'Waiting'],
    ['CreationFailed has failed', { status: 'CreationFailed' }, 'Failed'],
    ['Denied has failed', { status: 'Denied' }, 'Failed'],
  ])('%s', (_name, o, expected) => {
    expect(objectProgress({ cluster: 'a', ...o })).toBe(expected);
  });
});

describe('computeWaitSnapshot', () => {
  it.each([
    ['every cluster ready is Ready', [view(ok('a'), ok('b'))], 'Ready'],
    ['one cluster pending is Waiting', [view(ok('a'), { cluster: 'b', status: 'Pending' })], 'Waiting'],
    [
      'a failure with another cluster still pending keeps Waiting',
      [view({ cluster: 'a', status: 'CreationFailed' }, { cluster: 'b', status: 'Pending' })],
      'Waiting',
    ],
    [
      'a failure once nothing waits is Failed',
      [view({ cluster: 'a', status: 'CreationFailed' }, ok('b'))],
      'Failed',
    ],
    ['a resource placed nowhere is Ready', [view()], 'Ready'],
    [
      'a cluster is as far as its worst object',
      [view(ok('a'), ok('a', { health: 'Progressing' }))],
      'Waiting',
    ],
  ])('%s', (_name, views, phase) => {
    expect(computeWaitSnapshot(views.map((v, i) => ({ resource: `r${i}`, view: v }))).phase).toBe(phase);
  });

  it('sums replicas of a cluster and names its worst status', () => {
    const s = computeWaitSnapshot([
      {
        resource: 'federateddeployment/web',
        view: view(
          ok('b', { replicas: 2, readyReplicas: 1, health: 'Progressing' }),
          ok('a', { replicas: 2, readyReplicas: 2 }),
        ),
      },
    ]);
    expect(s.rows).toEqual([
      expect.objectContaining({
        cluster: 'a',
        status: 'Ok',
        ready: '2/2',
        health: 'Healthy',
        progress: 'Ready',
      }),
      expect.objectContaining({
        cluster: 'b',
        status: 'Ok',
        ready: '1/2',
        health: 'Progressing',
        progress: 'Waiting',
      }),
    ]);
  });
});

describe('progress lines and summary', () => {
  const pending = computeWaitSnapshot([
    { resource: 'fd/web', view: view({ cluster: 'a', status: 'Pending' }, ok('b')) },
  ]);
  const done = computeWaitSnapshot([{ resource: 'fd/web', view: view(ok('a'), ok('b')) }]);

  it('prints every cluster first, then only the ones that changed', () => {
    expect(describeProgressChanges(undefined, pending)).toEqual([
      'fd/web  a  Pending',
      'fd/web  b  Ok  Healthy',
    ]);
    expect(describeProgressChanges(pending, done)).toEqual(['fd/web  a  Ok  Healthy']);
    expect(describeProgressChanges(done, done)).toEqual([]);
  });

  it('summarises success with exit code 0', () => {
    const out = formatWaitSummary(done, 12_300, false);
    expect(out.exitCode).toBe(0);
    expect(out.text).toMatch(/^RESOURCE\s+CLUSTER\s+STATUS\s+READY\s+HEALTH\s+MESSAGE\n/);
    expect(out.text).toMatch(/1 resource\(s\) ready in 2 cluster\(s\) after 12\.3s\n$/);
  });

  it('names what was still waiting on a timeout, with exit code 1', () => {
    const out = formatWaitSummary(pending, 300_000, true);
    expect(out.exitCode).toBe(1);
    expect(out.text).toMatch(/error: timed out after 300s: still waiting: fd\/web in a \(Pending\)\n$/);
  });

  it('names the failed clusters when the wait settles on a failure', () => {
    const failed = computeWaitSnapshot([
      {
        resource: 'fd/web',
        view: view({ cluster: 'a', status: 'Denied', message: 'kind not allowed' }, ok('b')),
      },
    ]);
    const out = formatWaitSummary(failed, 1000, false);
    expect(out).toMatchObject({ exitCode: 1 });
    expect(out.text).toMatch(/error: not ready after 1s: failed: fd\/web in a \(Denied\)/);
    expect(out.text).toContain('kind not allowed');
  });
});
