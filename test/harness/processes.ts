import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

/** One child process of the harness, with its output in `<runDir>/logs/<name>.log`. */
export interface ManagedProcess {
  name: string;
  pid: number;
  logPath: string;
  child: ChildProcess;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
}

/**
 * Starts and stops the harness's processes. Every pid goes into `<runDir>/pids`, and a
 * watchdog shell outlives us just long enough to kill them if this Node process dies without
 * cleaning up (an interrupted test run), so no stray apiserver keeps its port.
 */
export class ProcessGroup {
  readonly runDir: string;
  private readonly procs: ManagedProcess[] = [];
  private readonly pidsFile: string;
  private watchdog: ChildProcess | undefined;
  private stopping = false;

  constructor(runDir: string) {
    this.runDir = runDir;
    this.pidsFile = path.join(runDir, 'pids');
    appendFileSync(path.join(runDir, 'owner'), `${process.pid}\n`);
  }

  start(name: string, cmd: string, args: string[], env?: NodeJS.ProcessEnv): ManagedProcess {
    this.ensureWatchdog();
    const logPath = path.join(this.runDir, 'logs', `${name}.log`);
    const fd = openSync(logPath, 'a');
    const child = spawn(cmd, args, {
      stdio: ['ignore', fd, fd],
      env: env ?? process.env,
      detached: true, // own process group: a Ctrl-C to the terminal reaches us, and we stop it in order
    });
    closeSync(fd);
    if (child.pid === undefined) throw new Error(`could not start ${name} (${cmd})`);
    appendFileSync(this.pidsFile, `${child.pid}\n`);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const proc: ManagedProcess = { name, pid: child.pid, logPath, child, exited };
    this.procs.push(proc);
    return proc;
  }

  /** Stops every process, newest first: SIGCONT (a paused one cannot die), SIGTERM, then SIGKILL. */
  async stopAll(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    for (const p of [...this.procs].reverse()) {
      await stopProcess(p, graceMs);
    }
    this.procs.length = 0;
    this.watchdog?.kill('SIGKILL');
    this.watchdog = undefined;
  }

  get isStopping(): boolean {
    return this.stopping;
  }

  private ensureWatchdog(): void {
    if (this.watchdog) return;
    const script = `
      while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done
      [ -f '${this.pidsFile}' ] || exit 0
      for p in $(cat '${this.pidsFile}'); do kill -CONT $p 2>/dev/null; kill -TERM $p 2>/dev/null; done
      sleep 3
      for p in $(cat '${this.pidsFile}'); do kill -KILL $p 2>/dev/null; done`;
    this.watchdog = spawn('bash', ['-c', script], { stdio: 'ignore', detached: true });
    this.watchdog.unref();
  }
}

export async function stopProcess(p: ManagedProcess, graceMs: number): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  try {
    process.kill(p.pid, 'SIGCONT');
    process.kill(p.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }, graceMs);
  await p.exited;
  clearTimeout(timer);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Kills what earlier runs left behind (their owner died without cleaning up and the watchdog
 * did not get to it) and removes old run directories, keeping the newest `keep`.
 */
export function reapStaleRuns(runsRoot: string, keep = 3): void {
  if (!existsSync(runsRoot)) return;
  const runs = readdirSync(runsRoot)
    .filter((d) => d.startsWith('run-'))
    .sort();
  for (const run of runs) {
    const dir = path.join(runsRoot, run);
    const owners = readLines(path.join(dir, 'owner'));
    if (owners.some(isAlive)) continue;
    for (const pid of readLines(path.join(dir, 'pids'))) {
      if (!isAlive(pid)) continue;
      // Only kill a pid that is still one of ours: its command line names this run directory.
      let cmdline = '';
      try {
        cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        continue;
      }
      if (cmdline.includes(dir)) {
        try {
          process.kill(pid, 'SIGCONT');
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    }
  }
  const stale = runs.slice(0, Math.max(0, runs.length - keep));
  for (const run of stale) {
    const dir = path.join(runsRoot, run);
    if (readLines(path.join(dir, 'owner')).some(isAlive)) continue;
    rmSync(dir, { recursive: true, force: true });
  }
}

function readLines(file: string): number[] {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .map((l) => Number(l.trim()))
      .filter((n) => Number.isInteger(n) && n > 0);
  } catch {
    return [];
  }
}
