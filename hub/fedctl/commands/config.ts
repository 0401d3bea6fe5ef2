/** `fedctl config set-context | use-context | get-contexts | current-context | delete-context | view`. */
import { stringify } from 'yaml';
import type { Cli, GlobalOptions } from '../cli.ts';
import { CliError, UsageError } from '../core/cli-errors.ts';
import { checkServer, redactConfig, setContext, useContext, type ContextEntry } from '../core/connection.ts';
import { formatTable } from '../core/table.ts';
import { saveConfig } from '../config-file.ts';

export interface SetContextFlags extends GlobalOptions {
  tokenFile?: string;
  namespace?: string;
  current?: boolean;
}

export function runSetContext(cli: Cli, name: string, flags: SetContextFlags): number {
  const entry: ContextEntry = { name };
  if (flags.server !== undefined) entry.server = checkServer(flags.server, '--server');
  if (flags.token !== undefined && flags.tokenFile !== undefined)
    throw new UsageError('give --token or --token-file, not both');
  if (flags.token !== undefined) entry.token = flags.token;
  if (flags.tokenFile !== undefined) entry.tokenFile = flags.tokenFile;
  if (flags.certificateAuthority !== undefined) entry.certificateAuthority = flags.certificateAuthority;
  if (flags.insecureSkipTlsVerify) entry.insecureSkipTLSVerify = true;
  if (flags.namespace !== undefined) entry.namespace = flags.namespace;
  const file = cli.configPath();
  const before = cli.loadConfig();
  const existed = before.contexts.some((c) => c.name === name);
  saveConfig(file, setContext(before, entry, flags.current ?? false));
  cli.io.stdout(`Context "${name}" ${existed ? 'modified' : 'created'}.\n`);
  return 0;
}

export function runUseContext(cli: Cli, name: string): number {
  saveConfig(cli.configPath(), useContext(cli.loadConfig(), name));
  cli.io.stdout(`Switched to context "${name}".\n`);
  return 0;
}

export function runDeleteContext(cli: Cli, name: string): number {
  const config = cli.loadConfig();
  if (!config.contexts.some((c) => c.name === name))
    throw new CliError(`context ${JSON.stringify(name)} not found`);
  const next = { ...config, contexts: config.contexts.filter((c) => c.name !== name) };
  if (next['current-context'] === name) delete next['current-context'];
  saveConfig(cli.configPath(), next);
  cli.io.stdout(`deleted context ${name} from ${cli.configPath()}\n`);
  return 0;
}

export function runGetContexts(cli: Cli): number {
  const config = cli.loadConfig();
  if (config.contexts.length === 0) {
    cli.io.stderr(
      `No contexts in ${cli.configPath()}; create one with fedctl config set-context NAME --server URL\n`,
    );
    return 0;
  }
  cli.io.stdout(
    formatTable(
      ['CURRENT', 'NAME', 'SERVER', 'NAMESPACE', 'AUTH'],
      config.contexts.map((c) => [
        c.name === config['current-context'] ? '*' : '',
        c.name,
        c.server ?? '(default)',
        c.namespace ?? 'default',
        c.token !== undefined ? 'token' : c.tokenFile !== undefined ? `tokenFile ${c.tokenFile}` : '<none>',
      ]),
    ),
  );
  return 0;
}

export function runCurrentContext(cli: Cli): number {
  const current = cli.loadConfig()['current-context'];
  if (current === undefined) throw new CliError('current-context is not set');
  cli.io.stdout(`${current}\n`);
  return 0;
}

export function runView(cli: Cli, flags: { raw?: boolean; output?: string }): number {
  const config = cli.loadConfig();
  const shown = flags.raw ? config : redactConfig(config);
  if (flags.output !== undefined && flags.output !== 'yaml' && flags.output !== 'json')
    throw new UsageError(`-o must be yaml or json, got ${JSON.stringify(flags.output)}`);
  cli.io.stdout(flags.output === 'json' ? `${JSON.stringify(shown, null, 2)}\n` : stringify(shown));
  return 0;
}
