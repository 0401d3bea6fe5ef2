/**
 * Section 6, failover and failback: the `[failover]` lines the failover end-to-end test prints
 * (`npx vitest run --project e2e test/e2e/failover.test.ts | tee failover.log`), read from the
 * file given with --failover-log. Without one, the section says it was not run.
 */
import { readFileSync } from 'node:fs';

export interface FailoverFigures {
  source: string;
  cutToFailedOverEventMs?: number;
  cutToReplicasReadyElsewhereMs?: number;
  healToPlanRestoredMs?: number;
  lines: string[];
}

export function readFailover(file: string | undefined): FailoverFigures {
  if (!file) return { source: 'not run: pass --failover-log with the failover e2e output', lines: [] };
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.includes('[failover]'))
    .map((l) => l.slice(l.indexOf('[failover]')).trim());
  const num = (re: RegExp) => {
    for (const l of lines) {
      const m = re.exec(l);
      if (m) return Number(m[1]);
    }
    return undefined;
  };
  const out: FailoverFigures = { source: file, lines };
  const failedOver = num(/cut -> FailedOver event (\d+) ms/);
  const ready = num(/cut -> \d+ ready in [^ ]+ (\d+) ms/);
  const back = num(/heal -> plan restored (\d+) ms/);
  if (failedOver !== undefined) out.cutToFailedOverEventMs = failedOver;
  if (ready !== undefined) out.cutToReplicasReadyElsewhereMs = ready;
  if (back !== undefined) out.healToPlanRestoredMs = back;
  return out;
}

export function failoverTable(r: FailoverFigures): [string[], Array<Array<string | number>>] {
  const v = (x: number | undefined) => (x === undefined ? '-' : x);
  return [
    [
      'cut -> FailedOver event ms',
      'cut -> replicas ready elsewhere ms',
      'heal -> plan restored ms',
      'source',
    ],
    [[v(r.cutToFailedOverEventMs), v(r.cutToReplicasReadyElsewhereMs), v(r.healToPlanRestoredMs), r.source]],
  ];
}
