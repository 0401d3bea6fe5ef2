// Pins the durations fedctl accepts (kubectl's 30s, 5m, 1h30m) and the ages it prints.
import { describe, expect, it } from 'vitest';
import { formatAge, parseDuration } from './duration.ts';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['24h', 86_400_000],
    ['1.5s', 1500],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text, '--timeout')).toBe(ms);
  });

  it.each([[''], ['5'], ['-5s'], ['5x'], ['0s'], ['5m junk']])('rejects %j naming the flag', (text) => {
    expect(() => parseDuration(text, '--timeout')).toThrow(/--timeout must be a duration/);
  });
});

describe('formatAge', () => {
  it.each([
    [5_000, '5s'],
    [119_000, '119s'],
    [600_000, '10m'],
    [3 * 3_600_000, '3h'],
    [5 * 86_400_000, '5d'],
    [-1, '<unknown>'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatAge(ms)).toBe(text);
  });
});
