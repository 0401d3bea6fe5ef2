// Pins the agent's probe and metrics endpoint over real HTTP: liveness, readiness following the hub session, and the metrics it exports.
import { afterEach, describe, expect, it } from 'vitest';
import type { ObjectStatusValue } from './core/object-status.ts';
import type { SessionPhase } from './core/session.ts';
import { startHealthServer, type HealthServer } from './health-server.ts';

const status = (key: string, s: ObjectStatusValue['status'], driftCorrections = 0): ObjectStatusValue => ({
  key,
  status: s,
  message: '',
  revision: 1,
  generation: 1,
  observedGeneration: 1,
  health: 'Healthy',
  conditions: [],
  driftCorrections,
  unschedulableReplicas: 0,
  unschedulableSinceMs: 0,
});

let server: HealthServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function get(path: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${server!.port}${path}`);
  return { status: res.status, body: await res.text() };
}

describe('health server', () => {
  let phase: SessionPhase = 'Backoff';
  const start = async () => {
    server = await startHealthServer('127.0.0.1', 0, {
      phase: () => phase,
      revision: () => 42,
      owned: () => 3,
      statuses: () =>
        new Map([
          ['a', status('a', 'Ok', 2)],
          ['b', status('b', 'Ok', 1)],
          ['c', status('c', 'CreationFailed')],
        ]),
    });
  };

  it.each<[string, SessionPhase, string, number]>([
    ['is alive while backing off', 'Backoff', '/healthz', 200],
    ['is not ready while backing off', 'Backoff', '/readyz', 503],
    ['is ready while streaming', 'Streaming', '/readyz', 200],
    ['answers 404 elsewhere', 'Streaming', '/nope', 404],
  ])('%s', async (_n, p, path, code) => {
    phase = p;
    await start();
    expect((await get(path)).status).toBe(code);
  });

  it('exports revision, streaming, owned objects, statuses and drift corrections', async () => {
    phase = 'Streaming';
    await start();
    const { status: code, body } = await get('/metrics');
    expect(code).toBe(200);
    for (const line of [
      'fedhub_agent_applied_revision 42',
      'fedhub_agent_hub_streaming 1',
      'fedhub_agent_owned_objects 3',
      'fedhub_agent_objects{status="Ok"} 2',
      'fedhub_agent_objects{status="CreationFailed"} 1',
      'fedhub_agent_drift_corrections 3',
    ]) {
      expect(body).toContain(line);
    }
  });
});
