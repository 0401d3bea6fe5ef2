// Pins the README's first command: `npm run demo` brings up a whole local federation, converges, and (non-interactive) tears it down and exits 0.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

describe('npm run demo', () => {
  it('converges with every resource Ok and 6/6 ready, then exits 0 leaving no processes behind', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'fedhub-demo-'));
    const child = spawn('npm', ['run', 'demo', '--', '--exit-after-converge', '--data-dir', dataDir], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, out).toBe(0);
    expect(out).toMatch(/federateddeployment\/web created/);
    expect(out).toMatch(/FederatedDeployment\/web\s+Ok\s+Ok\s+Ok\s+6\/6/);
    expect(out).toMatch(/converged/);
    expect(out).toMatch(/stopped/);
    // Its hub, agents and members are gone: no process names its data directory.
    const ps = spawn('pgrep', ['-f', dataDir]);
    const found = await new Promise<number | null>((resolve) => ps.on('exit', resolve));
    expect(found).toBe(1);
  }, 600_000);
});
