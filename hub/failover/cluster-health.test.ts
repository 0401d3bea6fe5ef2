// Pins the cluster health state machine and failover/failback availability at their exact time boundaries.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_HEALTH_CONFIG as CFG,
  initialClusterHealth,
  nextHealthDeadline,
  resumeClusterHealth,
  stepClusterHealth,
  type ClusterHealthState,
  type HealthInput,
} from './cluster-health.ts';

const hb = (atMs: number, health: 'Healthy' | 'Unhealthy' = 'Healthy'): HealthInput => ({
  kind: 'heartbeat',
  atMs,
  health,
});
const tick = (atMs: number): HealthInput => ({ kind: 'tick', atMs });

function run(inputs: HealthInput[], start: ClusterHealthState = initialClusterHealth(0)) {
  let s = start;
  const transitions: string[] = [];
  for (const i of inputs) {
    const step = stepClusterHealth(s, i, CFG);
    s = step.state;
    for (const t of step.transitions) transitions.push(`${t.atMs}:${t.kind}:${t.from}->${t.to}`);
  }
  return { s, transitions };
}

// A healthy cluster: first heartbeat at 0, then every 5 s up to 100 s.
const healthyUntil100 = [hb(0), ...Array.from({ length: 20 }, (_, i) => hb((i + 1) * 5_000))];

describe('stepClusterHealth', () => {
  it.each([
    ['a new cluster is Pending and Unknown until its first heartbeat', [tick(60_000)], 'Unknown', 'Pending'],
    ['the first heartbeat makes it Ready and Available at once', [hb(1_000)], 'True', 'Available'],
    [
      'silence just under the grace period keeps Ready True',
      [...healthyUntil100, tick(119_999)],
      'True',
      'Available',
    ],
    [
      'silence of exactly the grace period makes Ready Unknown',
      [...healthyUntil100, tick(120_000)],
      'Unknown',
      'Suspect',
    ],
    [
      'Unknown for just under the failover delay stays Suspect',
      [...healthyUntil100, tick(120_000), tick(129_999)],
      'Unknown',
      'Suspect',
    ],
    [
      'Unknown for exactly the failover delay fails the cluster over',
      [...healthyUntil100, tick(120_000), tick(130_000)],
      'Unknown',
      'FailedOver',
    ],
    [
      'a heartbeat within the failover delay makes it Available again without a failover',
      [...healthyUntil100, tick(120_000), hb(125_000)],
      'True',
      'Available',
    ],
    [
      'the agent reporting its cluster unhealthy makes Ready False',
      [hb(0), hb(5_000, 'Unhealthy')],
      'False',
      'Suspect',
    ],
    [
      'a failed-over cluster that returns is Recovering during the stabilisation window',
      [
        ...healthyUntil100,
        tick(120_000),
        tick(130_000),
        hb(200_000),
        hb(210_000),
        hb(220_000),
        tick(229_999),
      ],
      'True',
      'Recovering',
    ],
    [
      'a failed-over cluster Ready for exactly the stabilisation window is Available again',
      [
        ...healthyUntil100,
        tick(120_000),
        tick(130_000),
        hb(200_000),
        hb(205_000),
        hb(210_000),
        hb(215_000),
        hb(220_000),
        hb(225_000),
        tick(230_000),
      ],
      'True',
      'Available',
    ],
    [
      'a Recovering cluster that goes silent again is FailedOver at once',
      [...healthyUntil100, tick(120_000), tick(130_000), hb(200_000), tick(220_000)],
      'Unknown',
      'FailedOver',
    ],
  ])('%s', (_name, inputs, ready, availability) => {
    const { s } = run(inputs);
    expect(s.ready).toBe(ready);
    expect(s.availability).toBe(availability);
  });

  it('names the missed heartbeats in the Unknown reason and message', () => {
    const { s } = run([...healthyUntil100, tick(122_000)]);
    expect(s.reason).toBe('HeartbeatsMissed');
    expect(s.message).toBe('no heartbeat for 22s (4 missed)');
  });

  it('moves the Ready transition time only when the status changes', () => {
    const { s } = run([hb(0), hb(5_000), hb(10_000)]);
    expect(s.readyTransitionMs).toBe(0);
    expect(s.lastHeartbeatMs).toBe(10_000);
  });

  it('records each transition once, in order', () => {
    const { transitions } = run([
      ...healthyUntil100,
      tick(120_000),
      tick(121_000),
      tick(130_000),
      hb(131_000),
    ]);
    expect(transitions).toEqual([
      '0:Ready:Unknown->True',
      '0:Availability:Pending->Available',
      '120000:Ready:True->Unknown',
      '120000:Availability:Available->Suspect',
      '130000:Availability:Suspect->FailedOver',
      '131000:Ready:Unknown->True',
      '131000:Availability:FailedOver->Recovering',
    ]);
  });

  it('a cluster flapping every few seconds inside the grace period never leaves Available', () => {
    // Ten outages of 8 s (heartbeats stop), each followed by a heartbeat: all inside the 20 s grace period.
    const inputs: HealthInput[] = [hb(0)];
    for (let i = 0; i < 10; i++) {
      const base = i * 10_000;
      inputs.push(tick(base + 8_000), hb(base + 9_000));
    }
    const { s, transitions } = run(inputs);
    expect(s.availability).toBe('Available');
    expect(transitions.filter((t) => t.includes('Availability'))).toEqual([
      '0:Availability:Pending->Available',
    ]);
  });

  it('a cluster flapping across the failover boundary fails over once and fails back once when stable', () => {
    const inputs: HealthInput[] = [hb(0), tick(20_000), tick(30_000)]; // failed over at 30 s
    let t = 30_000;
    for (let i = 0; i < 10; i++) {
      inputs.push(hb(t + 1_000), tick(t + 21_000)); // back for a moment, silent again past grace
      t += 25_000;
    }
    for (let k = 0; k <= 7; k++) inputs.push(hb(t + k * 5_000)); // then stable for 35 s
    inputs.push(tick(t + 35_000));
    const { s, transitions } = run(inputs);
    const moves = transitions.filter((x) => /Availability:\w+->(FailedOver|Available)$/.test(x));
    // First heartbeat, one failover (+ re-entries of FailedOver from Recovering, which move nothing), one failback.
    expect(moves.filter((x) => x.endsWith('Suspect->FailedOver'))).toHaveLength(1);
    expect(moves.filter((x) => x.endsWith('Recovering->Available'))).toHaveLength(1);
    expect(s.availability).toBe('Available');
  });
});

describe('nextHealthDeadline', () => {
  it('is the end of the grace period for a Ready cluster', () => {
    const { s } = run([hb(1_000)]);
    expect(nextHealthDeadline(s, CFG)).toBe(21_000);
  });
  it('is the end of the stabilisation window for a Recovering cluster', () => {
    const { s } = run([hb(0), tick(20_000), tick(30_000), hb(40_000)]);
    expect(s.availability).toBe('Recovering');
    expect(nextHealthDeadline(s, CFG)).toBe(60_000);
  });
});

describe('resumeClusterHealth', () => {
  it('gives a Ready cluster a fresh grace period from the hub start, so a hub restart fails nothing over', () => {
    const { s } = run([hb(0)]);
    const resumed = resumeClusterHealth(s, 300_000);
    const after = stepClusterHealth(resumed, tick(310_000), CFG).state;
    expect(after.ready).toBe('True');
    expect(stepClusterHealth(resumed, tick(320_000), CFG).state.ready).toBe('Unknown');
  });
});
