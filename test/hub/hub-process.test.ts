// Pins the hub as a process: it starts from its CLI on port 0, an acknowledged submission survives SIGKILL, SIGTERM stops it cleanly, bad options exit 2.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const dir = mkdtempSync(path.join(tmpdir(), 'fedhub-proc-'));
const children = new Set<ChildProcess>();

interface Started {
  child: ChildProcess;
  httpPort: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(args: string[]): ChildProcess {
  const child = spawn(TSX, [path.join(ROOT, 'hub', 'main.ts'), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

/** Starts the hub and waits (deadline 20 s) for its "hub ready" line. */
async function startProcess(): Promise<Started> {
  const child = run(['--data-dir', dir, '--grpc-port', '0', '--http-port', '0']);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const httpPort = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('hub did not report ready in 20 s')), 20_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; httpPort?: number };
      if (entry.msg === 'hub ready') {
        clearTimeout(timer);
        resolve(entry.httpPort!);
      }
    });
    child.on('exit', (code) => reject(new Error(`hub exited with ${code} before ready`)));
  });
  return { child, httpPort, exited };
}

const doc = `
apiVersion: types.kubefed.io/v1beta1
kind: FederatedConfigMap
metadata: {name: durable, namespace: web}
spec:
  template: {data: {k: v}}
  placement: {clusterSelector: {}}
`;

afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('hub process', () => {
  it('keeps a submission acknowledged just before a SIGKILL', async () => {
    const first = await startProcess();
    const res = await fetch(`http://127.0.0.1:${first.httpPort}/apis/v1/apply`, {
      method: 'POST',
      headers: { 'content-type': 'application/yaml' },
      body: doc,
    });
    expect(res.status).toBe(200);
    first.child.kill('SIGKILL');
    expect(await first.exited).toMatchObject({ signal: 'SIGKILL' });

    const second = await startProcess();
    const got = await fetch(
      `http://127.0.0.1:${second.httpPort}/apis/v1/resources/FederatedConfigMap/web/durable`,
    );
    expect(got.status).toBe(200);
    expect(await got.json()).toMatchObject({ metadata: { name: 'durable', generation: 1 } });

    second.child.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
  });

  it('exits 2 naming the option when the configuration is bad', async () => {
    const child = run(['--grpc-port', 'seventy']);
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toMatch(/grpcPort must be a port/);
  });
});
