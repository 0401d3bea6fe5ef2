/**
 * fedctl end to end: a real hub process (hub/main.ts, SQLite in a temp directory, ports 0) and
 * fedctl run as a subprocess with its own config file. The hub is used as it starts: with TLS and
 * an admin token when it makes them (pki/ca.crt, admin-token in its data directory), plaintext
 * otherwise.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
const FEDCTL = path.join(ROOT, 'hub', 'fedctl', 'main.ts');

export interface HubProcess {
  dir: string;
  httpPort: number;
  grpcPort: number;
  server: string;
  /** PEM file of the hub CA when the hub serves TLS. */
  caFile?: string;
  /** File holding the first admin token when the hub made one. */
  tokenFile?: string;
  stop(): Promise<void>;
}

/** Starts hub/main.ts on ports 0 and waits (deadline 30 s) for its "hub ready" line. */
export async function startHubProcess(): Promise<HubProcess> {
  const dir = mkdtempSync(path.join(tmpdir(), 'fedctl-hub-'));
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(ROOT, 'hub', 'main.ts'),
      '--data-dir',
      dir,
      '--grpc-port',
      '0',
      '--http-port',
      '0',
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ports = await new Promise<{ httpPort: number; grpcPort: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('hub did not report ready in 30 s')), 30_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let entry: { msg?: string; httpPort?: number; grpcPort?: number };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        return;
      }
      if (entry.msg === 'hub ready') {
        clearTimeout(timer);
        resolve({ httpPort: entry.httpPort!, grpcPort: entry.grpcPort! });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`hub exited with ${code} before ready: ${stderr}`));
    });
  });
  const caFile = path.join(dir, 'pki', 'ca.crt');
  const tokenFile = path.join(dir, 'admin-token');
  const tls = existsSync(caFile);
  return {
    dir,
    ...ports,
    server: `${tls ? 'https' : 'http'}://127.0.0.1:${ports.httpPort}`,
    ...(tls ? { caFile } : {}),
    ...(existsSync(tokenFile) ? { tokenFile } : {}),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface FedctlResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs fedctl with `args`; env carries FEDHUB_CONFIG and friends (nothing from the caller's environment leaks in but PATH). */
export function fedctl(
  args: string[],
  opts: { env?: Record<string, string>; stdin?: string; timeoutMs?: number } = {},
): Promise<FedctlResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', FEDCTL, ...args], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', HOME: tmpdir(), ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`fedctl ${args.join(' ')} did not finish in ${opts.timeoutMs ?? 60_000} ms: ${stderr}`),
      );
    }, opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(opts.stdin ?? '');
  });
}

/** A temp directory removed by the returned function. */
export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
