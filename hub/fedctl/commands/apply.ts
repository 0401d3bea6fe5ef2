/** `fedctl apply -f …`: one all-or-nothing submission, kubectl-like result lines, optional --wait. */
import { stringify } from 'yaml';
import type { Cli } from '../cli.ts';
import { CliError, HubStatusError, UsageError, hintForStatus } from '../core/cli-errors.ts';
import { parseDuration } from '../core/duration.ts';
import {
  computeWaitSnapshot,
  describeProgressChanges,
  formatWaitSummary,
  type WaitSnapshot,
} from '../core/wait-progress.ts';
import { docName, readManifests, type ManifestDoc } from '../read-manifests.ts';

export interface ApplyOptions {
  filename: string[];
  recursive?: boolean;
  dryRun?: boolean;
  wait?: boolean;
  timeout: string;
  output?: string;
}

interface ApplyResult {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  result: string;
  generation: number;
}

/** The hub's document number mapped back to the file, so the user sees where the bad document is. */
export function explainApplyError(err: unknown, docs: readonly ManifestDoc[]): unknown {
  if (!(err instanceof HubStatusError) || err.isMissingRoute()) return err;
  const n = err.details?.document;
  const doc = n !== undefined ? docs[n - 1] : undefined;
  if (!doc) {
    const hint = hintForStatus(err.status);
    return new CliError(`apply failed: ${err.message}`, { cause: err, ...(hint ? { hint } : {}) });
  }
  const why = err.message.replace(/^document \d+: /, '');
  const field = err.details?.field;
  const reason =
    field && why.startsWith(`${field}: `) ? `field ${field}: ${why.slice(field.length + 2)}` : why;
  const what = err.status === 413 ? 'too large' : err.status === 400 ? 'malformed' : 'invalid';
  return new CliError(
    `${what} document for ${docName(doc.doc)} (${doc.source}, document ${doc.index}): ${reason}`,
    { cause: err, hint: 'nothing was applied: fix the document and apply again' },
  );
}

export async function runApply(cli: Cli, opts: ApplyOptions): Promise<number> {
  if (opts.filename.length === 0) throw new UsageError('must specify -f FILE|DIR|-');
  if (opts.wait && opts.dryRun) throw new UsageError('--wait and --dry-run cannot be combined');
  const timeoutMs = parseDuration(opts.timeout, '--timeout');
  if (opts.output !== undefined && !['name', 'json', 'yaml'].includes(opts.output))
    throw new UsageError(`-o must be name, json or yaml for apply, got ${JSON.stringify(opts.output)}`);
  const docs = await readManifests(opts.filename, {
    recursive: opts.recursive ?? false,
    stdin: cli.io.stdin,
  });
  const body = docs.map((d) => stringify(d.doc)).join('---\n');
  let answer: { results?: ApplyResult[] };
  try {
    answer = await cli.client().request({
      method: 'POST',
      path: '/apis/v1/apply',
      query: { dryRun: opts.dryRun ? 'true' : undefined },
      body,
      contentType: 'application/yaml',
    });
  } catch (err) {
    throw explainApplyError(err, docs);
  }
  const results = answer.results ?? [];
  if (opts.output === 'json' || opts.output === 'yaml') {
    const out = { kind: 'ApplyResult', dryRun: opts.dryRun ?? false, results };
    cli.io.stdout(opts.output === 'json' ? `${JSON.stringify(out, null, 2)}\n` : stringify(out));
  } else {
    const suffix = opts.dryRun ? ' (dry run)' : '';
    for (const r of results) {
      cli.io.stdout(
        `${r.kind.toLowerCase()}/${r.name}${opts.output === 'name' ? '' : ` ${r.result}${suffix}`}\n`,
      );
    }
  }
  if (!opts.wait) return 0;
  const federated = results.filter((r) => r.apiVersion.startsWith('types.kubefed.io/'));
  return waitForResources(cli, federated, timeoutMs);
}

/** Polls the applied resources until every placed cluster is Ok and ready, something fails, or the deadline. */
async function waitForResources(
  cli: Cli,
  resources: readonly ApplyResult[],
  timeoutMs: number,
): Promise<number> {
  const started = cli.io.now();
  let prev: WaitSnapshot | undefined;
  for (;;) {
    const items = await Promise.all(
      resources.map(async (r) => ({
        resource: `${r.kind.toLowerCase()}/${r.name}`,
        view: await cli.client().request({
          method: 'GET',
          path: `/apis/v1/resources/${encodeURIComponent(r.kind)}/${encodeURIComponent(r.namespace || '_')}/${encodeURIComponent(r.name)}`,
        }),
      })),
    );
    const snapshot = computeWaitSnapshot(items);
    for (const line of describeProgressChanges(prev, snapshot)) cli.io.stdout(`${line}\n`);
    prev = snapshot;
    const elapsed = cli.io.now() - started;
    const timedOut = elapsed >= timeoutMs;
    if (snapshot.phase !== 'Waiting' || timedOut) {
      const outcome = formatWaitSummary(snapshot, elapsed, timedOut && snapshot.phase === 'Waiting');
      if (outcome.exitCode === 0) cli.io.stdout(outcome.text);
      else {
        const [table, verdict] = splitVerdict(outcome.text);
        cli.io.stdout(table);
        cli.io.stderr(verdict);
      }
      return outcome.exitCode;
    }
    await cli.io.sleep(Math.min(1000, timeoutMs - elapsed), cli.io.signal);
  }
}

/** The summary table (stdout) and its closing error line (stderr). */
function splitVerdict(text: string): [string, string] {
  const i = text.lastIndexOf('error: ');
  return i < 0 ? [text, ''] : [text.slice(0, i), text.slice(i)];
}
