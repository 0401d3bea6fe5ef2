/**
 * The hub's command line: `tsx hub/main.ts --data-dir ./data --grpc-port 7443 --http-port 7080`.
 * Options and their environment variables: `--help`.
 */
import { ConfigError } from '../shared/errors.ts';
import { createLogger } from '../shared/logger.ts';
import { compileHubConfig, hubConfigHelp } from './config.ts';
import { startHub } from './start-hub.ts';

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(`usage: hub/main.ts [options]\n${hubConfigHelp()}`);
    return 0;
  }
  let config;
  try {
    config = compileHubConfig(argv, process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`fedhub hub: ${err.message}`);
      return 2;
    }
    throw err;
  }
  const log = createLogger({ level: config.logLevel, name: 'fedhub-hub' });
  let hub;
  try {
    hub = await startHub(config, { log });
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`fedhub hub: ${err.message}`);
      return 2;
    }
    throw err;
  }
  // A line tools can wait for: the bound ports (useful with port 0).
  log.info({ grpcPort: hub.grpcPort, httpPort: hub.httpPort, hubId: hub.hubId, tls: hub.tls }, 'hub ready');
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      log.info({ signal }, 'shutting down');
      void hub.stop().then(resolve);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
