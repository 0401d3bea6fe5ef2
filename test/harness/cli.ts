// Starts local member control planes for people (the tests use global-setup.ts instead).
//   tsx test/harness/cli.ts up [--members 3] [--nodes 3]   start, print how to reach them, stop on Ctrl-C
//   tsx test/harness/cli.ts build                          build (or find) the Kubernetes binaries
//   tsx test/harness/cli.ts clean                          kill what interrupted runs left, prune old runs
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { resolveKubeBinaries } from './binaries.ts';
import { startMembers } from './control-plane.ts';
import { reapStaleRuns } from './processes.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 20)
    throw new InvalidArgumentError('must be a whole number from 1 to 20');
  return n;
}

const program = new Command('members').description('local Kubernetes member control planes for fedhub');

program
  .command('up')
  .description('start N member control planes on loopback and keep them until Ctrl-C')
  .option('--members <n>', 'how many members', positiveInt, 3)
  .option('--nodes <n>', 'fake nodes per member', positiveInt, 3)
  .action(async (opts: { members: number; nodes: number }) => {
    const t0 = Date.now();
    const m = await startMembers({
      count: opts.members,
      nodes: opts.nodes,
      log: (s) => console.log(`  ${s}`),
    });
    console.log(`\n${m.members.length} members ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    for (const mem of m.members) {
      console.log(`  ${mem.name.padEnd(10)} ${mem.server}   KUBECONFIG=${mem.kubeconfigPath}`);
    }
    console.log(`\nTry: kubectl --kubeconfig ${m.members[0]?.kubeconfigPath} get nodes`);
    console.log(`Logs: ${m.runDir}/logs\nPress Ctrl-C to stop everything.`);
    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> =>
      (stopping ??= (async () => {
        console.log('\nstopping members…');
        await m.stop();
        console.log('stopped');
        process.exit(0);
      })());
    // A terminal's Ctrl-C reaches npm and us alike: later signals wait for the first teardown.
    process.on('SIGINT', () => void stop());
    process.on('SIGTERM', () => void stop());
    await new Promise(() => {});
  });

program
  .command('build')
  .description('build the Kubernetes binaries into the cache (or find them via KUBEBUILDER_ASSETS)')
  .action(() => {
    const bins = resolveKubeBinaries();
    for (const [k, v] of Object.entries(bins)) console.log(`${k.padEnd(22)} ${v}`);
  });

program
  .command('clean')
  .description('kill processes that interrupted runs left behind and prune old run directories')
  .action(() => {
    reapStaleRuns(process.env['FEDHUB_RUNS_DIR'] ?? path.join(REPO, '.runs'), 0);
    console.log('done');
  });

await program.parseAsync(process.argv);
