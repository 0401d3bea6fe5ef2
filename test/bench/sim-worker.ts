/**
 * A worker process holding many simulated agents (or raw baseline clients), driven by its parent
 * over IPC: `{ id, op, ...args }` in, `{ id, ok, result | error }` out. Timestamps in results are
 * epoch milliseconds (nowMs), so the parent compares them with its own.
 */
import { nowMs, sleep } from './measure.ts';
import { RawClient } from './raw-stream.ts';
import { SimAgent, type Target } from './sim-agent.ts';

export type WorkerRequest =
  | {
      op: 'startAgents';
      target: Target;
      token: string;
      names: string[];
      labels: Record<string, string>;
      reportObjects: boolean;
      timeoutMs: number;
    }
  | { op: 'startRaw'; target: Target; count: number; timeoutMs: number }
  | { op: 'mark' }
  | { op: 'waitAdvance'; timeoutMs: number }
  | { op: 'waitResumed'; timeoutMs: number }
  | { op: 'waitKeys'; count: number; timeoutMs: number }
  | { op: 'stats' }
  | { op: 'payload' }
  | { op: 'stop' };

const agents: SimAgent[] = [];
const raws: RawClient[] = [];
let mark = {
  at: 0,
  acked: new Map<SimAgent, number>(),
  snapshots: 0,
  streams: 0,
  rawAcks: new Map<RawClient, number>(),
};

/** Waits (checking every 5 ms) until `done` holds, naming what is missing at the deadline. */
async function until(what: string, done: () => boolean, missing: () => string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`${what} not reached in ${timeoutMs} ms: ${missing()}`);
    await sleep(5);
  }
}

async function inBatches<T>(items: T[], size: number, fn: (t: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

const sum = (f: (a: SimAgent) => number) => agents.reduce((s, a) => s + f(a), 0);
const maxOf = (xs: number[]) => xs.reduce((m, v) => Math.max(m, v), 0);

async function handle(req: WorkerRequest): Promise<unknown> {
  switch (req.op) {
    case 'startAgents': {
      const t0 = nowMs();
      const fresh = req.names.map(
        (name) =>
          new SimAgent({
            ...req.target,
            name,
            labels: req.labels,
            bootstrapToken: req.token,
            reportObjects: req.reportObjects,
          }),
      );
      await inBatches(fresh, 25, async (a) => {
        await a.register();
        a.start();
      });
      agents.push(...fresh);
      const registeredMs = nowMs() - t0;
      await until(
        'first sync',
        () => fresh.every((a) => a.acksOnStream > 0),
        () =>
          `${fresh.filter((a) => a.acksOnStream === 0).length} agents without an ack; e.g. ${fresh.find((a) => a.acksOnStream === 0)?.lastError}`,
        req.timeoutMs,
      );
      return { registeredMs, syncedMs: nowMs() - t0 };
    }
    case 'startRaw': {
      const fresh = Array.from({ length: req.count }, () => new RawClient(req.target));
      for (const c of fresh) c.start();
      raws.push(...fresh);
      await until(
        'raw streams',
        () => fresh.every((c) => c.hellosOnStream > 0),
        () => 'not all connected',
        req.timeoutMs,
      );
      return {};
    }
    case 'mark':
      mark = {
        at: nowMs(),
        acked: new Map(agents.map((a) => [a, a.acked])),
        snapshots: sum((a) => a.snapshots),
        streams: sum((a) => a.streamsOpened),
        rawAcks: new Map(raws.map((c) => [c, c.acks])),
      };
      return {};
    case 'waitAdvance': {
      const behind = () => agents.filter((a) => a.acked <= mark.acked.get(a)!);
      const rawBehind = () => raws.filter((c) => c.acks <= mark.rawAcks.get(c)!);
      await until(
        'all acked',
        () => behind().length === 0 && rawBehind().length === 0,
        () =>
          `${behind().length + rawBehind().length} behind; e.g. ${JSON.stringify(
            behind()
              .slice(0, 3)
              .map((a) => ({
                name: a.name,
                acked: a.acked,
                streams: a.streamsOpened,
                deltas: a.deltas,
                error: a.lastError,
              })),
          )}`,
        req.timeoutMs,
      );
      return {
        lastAckAt: maxOf([...agents.map((a) => a.ackAt), ...raws.map((c) => c.ackAt)]),
        lastRecvAt: maxOf([...agents.map((a) => a.recvAt), ...raws.map((c) => c.recvAt)]),
      };
    }
    case 'waitResumed': {
      const agentDone = (a: SimAgent) => a.streamsOpened > 1 && a.acksOnStream > 0 && a.ackAt > mark.at;
      const rawDone = (c: RawClient) => c.streamsOpened > 1 && c.hellosOnStream > 0;
      await until(
        'all resumed',
        () => agents.every(agentDone) && raws.every(rawDone),
        () =>
          `${agents.filter((a) => !agentDone(a)).length + raws.filter((c) => !rawDone(c)).length} not resumed`,
        req.timeoutMs,
      );
      return {
        lastAt: agents.length > 0 ? maxOf(agents.map((a) => a.ackAt)) : nowMs(),
        snapshots: sum((a) => a.snapshots) - mark.snapshots,
        streams: sum((a) => a.streamsOpened) - mark.streams,
      };
    }
    case 'waitKeys': {
      const short = () => agents.filter((a) => a.keys.size !== req.count || a.acksOnStream === 0);
      await until(
        'all objects',
        () => short().length === 0,
        () => `${short().length} agents short`,
        req.timeoutMs,
      );
      await Promise.all(agents.map((a) => a['acks' as keyof SimAgent]));
      return { lastAckAt: maxOf(agents.map((a) => a.ackAt)) };
    }
    case 'stats':
      return {
        agents: agents.length,
        raws: raws.length,
        snapshots: sum((a) => a.snapshots),
        deltas: sum((a) => a.deltas),
        rssKiB: Math.round(process.memoryUsage().rss / 1024),
      };
    case 'payload':
      return { b64: agents.find((a) => a.lastMessageBytes)?.lastMessageBytes?.toString('base64') ?? '' };
    case 'stop':
      for (const a of agents) a.stop();
      for (const c of raws) c.stop();
      setTimeout(() => process.exit(0), 100);
      return {};
  }
}

process.on('message', (m: WorkerRequest & { id: number }) => {
  handle(m).then(
    (result) => process.send!({ id: m.id, ok: true, result }),
    (err: unknown) => process.send!({ id: m.id, ok: false, error: (err as Error).message }),
  );
});
process.on('disconnect', () => process.exit(0));
