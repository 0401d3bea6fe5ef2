/** Parent side of the worker processes: simulated-agent workers and the raw baseline server. */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkerRequest } from './sim-worker.ts';
import type { Target } from './sim-agent.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));

interface Rpc {
  child: ChildProcess;
  request<T>(msg: object): Promise<T>;
  close(): Promise<void>;
}

function rpc(script: string, args: string[]): Rpc {
  const child = fork(path.join(HERE, script), args, {
    execArgv: ['--import', 'tsx', '--max-old-space-size=4096'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let next = 1;
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  child.on('message', (m: { id?: number; ok?: boolean; result?: unknown; error?: string }) => {
    const w = m.id === undefined ? undefined : waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id!);
    if (m.ok === false) w.reject(new Error(`${script}: ${m.error}`));
    else w.resolve(m.result ?? m);
  });
  child.on('exit', (code) => {
    for (const w of waiting.values()) w.reject(new Error(`${script} exited with ${code}`));
    waiting.clear();
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    child,
    request: <T>(msg: object) =>
      new Promise<T>((resolve, reject) => {
        const id = next++;
        waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ ...msg, id });
      }),
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(t);
      }
    },
  };
}

/** Simulated agents spread over a few worker processes; every call goes to all of them. */
export class AgentPool {
  private constructor(private readonly workers: Rpc[]) {}

  static create(workers: number): AgentPool {
    return new AgentPool(Array.from({ length: workers }, () => rpc('sim-worker.ts', [])));
  }

  /** Sends `req` to every worker and returns their answers. */
  all<T>(req: WorkerRequest): Promise<T[]> {
    return Promise.all(this.workers.map((w) => w.request<T>(req)));
  }

  /** Registers `names` (split over the workers) and waits until each has acked its first sync. */
  async startAgents(
    target: Target,
    token: string,
    names: string[],
    opts: { labels: Record<string, string>; reportObjects: boolean; timeoutMs: number },
  ): Promise<void> {
    const n = this.workers.length;
    await Promise.all(
      this.workers.map((w, i) =>
        w.request({
          op: 'startAgents',
          target,
          token,
          names: names.filter((_, j) => j % n === i),
          ...opts,
        }),
      ),
    );
  }

  async startRaw(target: Target, count: number, timeoutMs: number): Promise<void> {
    const n = this.workers.length;
    await Promise.all(
      this.workers.map((w, i) =>
        w.request({
          op: 'startRaw',
          target,
          count: Math.floor(count / n) + (i < count % n ? 1 : 0),
          timeoutMs,
        }),
      ),
    );
  }

  pids(): number[] {
    return this.workers.map((w) => w.child.pid!);
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.workers.map((w) => w.request({ op: 'stop' })));
    await Promise.all(this.workers.map((w) => w.close()));
  }
}

/** The raw grpc-js baseline server in its own process, on a fixed port so it can be restarted there. */
export class RawServer {
  private proc: Rpc | undefined;
  constructor(
    readonly port: number,
    private readonly certFile: string,
    private readonly keyFile: string,
  ) {}

  get pid(): number {
    return this.proc!.child.pid!;
  }

  async start(): Promise<void> {
    const proc = rpc('raw-server.ts', [String(this.port), this.certFile, this.keyFile]);
    await new Promise<void>((resolve, reject) => {
      proc.child.once('message', () => resolve());
      proc.child.once('exit', (code) => reject(new Error(`raw server exited with ${code}`)));
    });
    this.proc = proc;
  }

  broadcast(bytes: Buffer): Promise<{ count: number }> {
    return this.proc!.request({ op: 'broadcast', b64: bytes.toString('base64') });
  }

  async stop(): Promise<void> {
    await this.proc?.close();
    this.proc = undefined;
  }
}
