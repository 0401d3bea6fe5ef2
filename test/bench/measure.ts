/** Measuring helpers for the benchmarks: percentiles, process CPU and RSS from /proc, tables, polling. */
import { readFileSync, statSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** Wall-clock milliseconds since the epoch, sub-millisecond, comparable across processes on one machine. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export interface Percentiles {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentiles of `values` (ms). */
export function percentiles(values: number[]): Percentiles {
  if (values.length === 0) return { n: 0, p50: NaN, p95: NaN, p99: NaN, max: NaN, mean: NaN };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  const mean = sorted.reduce((s, v) => s + v, 0) / sorted.length;
  return { n: sorted.length, p50: at(50), p95: at(95), p99: at(99), max: sorted[sorted.length - 1]!, mean };
}

export interface ProcSample {
  /** User + system CPU time of the process so far (ms). */
  cpuMs: number;
  /** Resident set size (KiB). */
  rssKiB: number;
  at: number;
}

/** CPU time and RSS of a live process, read from /proc. */
export function sampleProcess(pid: number): ProcSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rss = /VmRSS:\s+(\d+) kB/.exec(status);
  return { cpuMs: ((utime + stime) * 1000) / TICKS_PER_SECOND, rssKiB: Number(rss?.[1] ?? NaN), at: nowMs() };
}

/** Samples a process every `intervalMs` until stopped: peak RSS and CPU used in the window. */
export function watchProcess(pid: number, intervalMs = 100) {
  const first = sampleProcess(pid);
  let peakRssKiB = first.rssKiB;
  let last = first;
  const timer = setInterval(() => {
    try {
      last = sampleProcess(pid);
      peakRssKiB = Math.max(peakRssKiB, last.rssKiB);
    } catch {
      // The process ended; keep the last sample.
    }
  }, intervalMs);
  return {
    stop(): { cpuMs: number; wallMs: number; peakRssKiB: number; endRssKiB: number } {
      clearInterval(timer);
      try {
        last = sampleProcess(pid);
        peakRssKiB = Math.max(peakRssKiB, last.rssKiB);
      } catch {
        // As above.
      }
      return {
        cpuMs: last.cpuMs - first.cpuMs,
        wallMs: last.at - first.at,
        peakRssKiB,
        endRssKiB: last.rssKiB,
      };
    },
  };
}

export interface FileState {
  bytes: number;
  mtimeMs: number;
}

export function fileState(file: string): FileState {
  try {
    const s = statSync(file);
    return { bytes: s.size, mtimeMs: s.mtimeMs };
  } catch {
    return { bytes: 0, mtimeMs: 0 };
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` every `intervalMs` until it returns a value; throws naming `what` at the deadline. */
export async function pollUntil<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  intervalMs = 10,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}

/** A right-aligned text table. */
export function formatTable(head: string[], rows: Array<Array<string | number>>): string {
  const cells = [head, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c)))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => c.padStart(widths[i]!)).join('  ')).join('\n');
}

/** Numbers for tables: integers as is, small values with two significant decimals. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return '-';
  if (Math.abs(v) >= 100 || Number.isInteger(v)) return v.toFixed(0);
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
}
