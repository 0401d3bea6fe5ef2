#!/usr/bin/env node
/**
 * fedctl, the kubectl-like CLI of fedhub: `node --import tsx hub/fedctl/main.ts get clusters`.
 * Exit codes: 0 success, 1 failure, 2 usage error, 130 interrupted.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { CommanderError } from 'commander';
import { CliError, formatCliError } from './core/cli-errors.ts';
import { buildProgram } from './program.ts';

async function main(argv: string[]): Promise<number> {
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  let code = 0;
  const program = buildProgram(
    {
      stdout: (s) => void process.stdout.write(s),
      stderr: (s) => void process.stderr.write(s),
      stdin: process.stdin,
      env: process.env,
      now: () => Date.now(),
      sleep: (ms, signal) => delay(ms, undefined, signal ? { signal } : {}),
      signal: abort.signal,
    },
    (c) => (code = c),
  );
  try {
    await program.parseAsync(argv, { from: 'user' });
    if (argv.length === 0) program.outputHelp();
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.code === 'commander.helpDisplayed' ||
        err.code === 'commander.version' ||
        err.code === 'commander.help'
        ? 0
        : 2;
    }
    if (err instanceof CliError) {
      process.stderr.write(formatCliError(err));
      return err.exitCode;
    }
    if (abort.signal.aborted) {
      process.stderr.write('error: interrupted\n');
      return 130;
    }
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  // Exit once stdout has drained, so piped output is never cut.
  (code) => process.stdout.write('', () => process.exit(code)),
  (err: unknown) => {
    process.stderr.write(`error: ${String(err)}\n`);
    process.exit(1);
  },
);
