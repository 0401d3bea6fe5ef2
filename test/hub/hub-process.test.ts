// Pins the hub as a process: it starts from its CLI on port 0 with TLS and a first admin token written to a file (shown only on a terminal, never in a log), an acknowledged submission survives SIGKILL, SIGTERM stops it cleanly, --insecure warns, bad options exit 2.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { httpRequest } from './support/http-client.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const dir = mkdtempSync(path.join(tmpdir(), 'fedhub-proc-'));
const children = new Set<ChildProcess>();

interface Started {
  child: ChildProcess;
  httpPort: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout: () => string;
  stderr: () => string;
}

function run(args: string[]): ChildProcess {
  // node --import tsx, not the tsx wrapper: a signal (SIGKILL above all) must reach the hub itself,
  // not a wrapper that would leave the hub running.
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'hub', 'main.ts'), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

/** Starts the hub and waits (deadline 20 s) for its "hub ready" line. */
async function startProcess(extra: string[] = []): Promise<Started> {
  const child = run(['--data-dir', dir, '--grpc-port', '0', '--http-port', '0', ...extra]);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
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
  return { child, httpPort, exited, stdout: () => stdout, stderr: () => stderr };
}

const caPem = () => readFileSync(path.join(dir, 'pki', 'ca.crt'), 'utf8');
const adminToken = () => readFileSync(path.join(dir, 'admin-token'), 'utf8').trim();
const call = (port: number, method: string, urlPath: string, body?: string) =>
  httpRequest({
    port,
    caPem: caPem(),
    method,
    path: urlPath,
    body,
    headers: { authorization: `Bearer ${adminToken()}` },
  });

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
    const res = await call(first.httpPort, 'POST', '/apis/v1/apply', doc);
    expect(res.status).toBe(200);
    const token = adminToken();
    expect(token).toMatch(/^fha_/);
    expect(statSync(path.join(dir, 'admin-token')).mode & 0o777).toBe(0o600);
    // stderr is a pipe here, as in a container: the token itself is not printed, only where it is.
    expect(first.stderr()).toContain(`written to ${path.join(dir, 'admin-token')}`);
    expect(first.stderr()).not.toContain(token);
    expect(first.stdout()).not.toContain(token);
    first.child.kill('SIGKILL');
    expect(await first.exited).toMatchObject({ signal: 'SIGKILL' });

    const second = await startProcess();
    const got = await call(second.httpPort, 'GET', '/apis/v1/resources/FederatedConfigMap/web/durable');
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ metadata: { name: 'durable', generation: 1 } });
    // The token is shown once: a restart neither prints nor replaces it.
    expect(second.stderr()).not.toContain(token);
    expect(adminToken()).toBe(token);
    const plain = await fetch(`http://127.0.0.1:${second.httpPort}/healthz`).catch((e: unknown) => e);
    expect(plain).toBeInstanceOf(Error);

    second.child.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
  });

  it('serves plaintext only with --insecure, and warns about it in the log', async () => {
    const p = await startProcess(['--insecure']);
    const res = await fetch(`http://127.0.0.1:${p.httpPort}/healthz`);
    expect(res.status).toBe(200);
    const warning = p
      .stdout()
      .split('\n')
      .filter((l) => l.includes('--insecure'))
      .map((l) => JSON.parse(l) as { level: number });
    expect(warning).toEqual([expect.objectContaining({ level: 40 })]);
    p.child.kill('SIGTERM');
    await p.exited;
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
