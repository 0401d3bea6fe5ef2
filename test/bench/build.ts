/**
 * The production form of the binaries for footprint figures: `tsc -p tsconfig.build.json` into
 * .runs/bench/build/dist (what the images run as `node dist/agent/main.js`), with proto/ beside it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Compiles hub, agent and shared; returns the dist directory. */
export function buildCompiled(): string {
  const base = path.join(ROOT, '.runs', 'bench', 'build');
  const dist = path.join(base, 'dist');
  rmSync(base, { recursive: true, force: true });
  mkdirSync(base, { recursive: true });
  try {
    execFileSync(
      process.execPath,
      [
        path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
        '-p',
        'tsconfig.build.json',
        '--outDir',
        dist,
      ],
      { cwd: ROOT, stdio: 'pipe' },
    );
  } catch (err) {
    // Type errors still emit; only a missing entry point is fatal.
    if (!existsSync(path.join(dist, 'agent', 'main.js'))) throw err;
  }
  symlinkSync(path.join(ROOT, 'proto'), path.join(base, 'proto'));
  return dist;
}
