/** Durations as kubectl takes them: 30s, 5m, 1h30m, 24h, 500ms. */
import { UsageError } from './cli-errors.ts';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Milliseconds of a duration such as `1h30m`.
 * @throws UsageError naming the flag when the text is not a positive duration.
 */
export function parseDuration(text: string, flag: string): number {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * UNITS[m[2]!]!;
    matched = re.lastIndex;
  }
  if (text === '' || matched !== text.length || !(total > 0) || !Number.isFinite(total)) {
    throw new UsageError(`${flag} must be a duration like 30s, 5m or 24h, got ${JSON.stringify(text)}`);
  }
  return Math.round(total);
}

/** A short age like kubectl's: 45s, 12m, 3h, 5d. */
export function formatAge(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '<unknown>';
  const s = Math.floor(ms / 1000);
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 120) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}
