/**
 * fedhub-agent CLI: compiles options from argv and the environment, starts the agent, and
 * stops it cleanly on SIGINT / SIGTERM.
 */
import { ConfigError } from '../shared/errors.ts';
import { createLogger } from '../shared/logger.ts';
import { agentHelp, compileAgentConfig } from './config.ts';
import { startAgent } from './start-agent.ts';

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(agentHelp());
    return 0;
  }
  let config;
  try {
    config = compileAgentConfig(argv, process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`fedhub-agent: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const log = createLogger({ level: config.logLevel, name: 'fedhub-agent' });
  if (config.insecure) log.warn({ hub: config.hubAddress }, 'plaintext connection to the hub (--insecure)');
  const agent = await startAgent(config, { log });
  await new Promise<void>((resolve) => {
    const onSignal = (sig: NodeJS.Signals) => {
      log.info({ signal: sig }, 'shutting down');
      resolve();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
  await agent.stop();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `fedhub-agent: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
