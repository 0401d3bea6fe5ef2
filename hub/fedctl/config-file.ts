/** Reads and writes fedctl's config file (`~/.fedhub/config`, or FEDHUB_CONFIG / --config). */
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { UsageError } from './core/cli-errors.ts';
import { emptyConfig, validateConfig, type FedctlConfig } from './core/connection.ts';

export function defaultConfigPath(env: Readonly<Record<string, string | undefined>>): string {
  return env['FEDHUB_CONFIG'] || path.join(homedir(), '.fedhub', 'config');
}

/** The config at `file`; an absent file is an empty config. */
export function loadConfig(file: string): FedctlConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyConfig();
    throw new UsageError(`cannot read config file ${file}: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new UsageError(`config file ${file} is not valid YAML: ${(err as Error).message}`);
  }
  return validateConfig(doc, file);
}

/** Writes atomically, private to the user (it may hold tokens). */
export function saveConfig(file: string, config: FedctlConfig): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, stringify(config), { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}
