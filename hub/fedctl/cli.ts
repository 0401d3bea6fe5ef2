/**
 * What every command gets: the streams, the environment, the global options compiled into a
 * connection, a hub client and the kind catalog (built-ins plus the hub's FederatedTypeConfigs).
 */
import { BUILTIN_TYPES, typeRegistrationFromTypeConfig } from '../core/type-registry.ts';
import type { TypeRegistration } from '../core/model.ts';
import { CliError } from './core/cli-errors.ts';
import { resolveConnection, type Connection, type FedctlConfig } from './core/connection.ts';
import { parseDuration } from './core/duration.ts';
import { createKindCatalog, type KindInfo } from './core/kinds.ts';
import { defaultConfigPath, loadConfig } from './config-file.ts';
import { createHubClient, type HubClient } from './hub-client.ts';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  stdin: NodeJS.ReadableStream;
  env: Readonly<Record<string, string | undefined>>;
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  signal?: AbortSignal;
}

/** Options every command accepts (kubectl's global flags). */
export interface GlobalOptions {
  server?: string;
  token?: string;
  context?: string;
  certificateAuthority?: string;
  insecureSkipTlsVerify?: boolean;
  config?: string;
  requestTimeout?: string;
}

export interface Cli {
  io: CliIo;
  configPath(): string;
  loadConfig(): FedctlConfig;
  connection(): Connection;
  client(): HubClient;
  /** The federated registrations: built-ins, plus the hub's FederatedTypeConfigs when `withHub`. */
  registrations(withHub: boolean): Promise<TypeRegistration[]>;
  /** Resolves a kind name; asks the hub for its FederatedTypeConfigs only when the built-ins do not know it. */
  resolveKind(name: string): Promise<KindInfo>;
}

export function createCli(io: CliIo, globals: GlobalOptions): Cli {
  let conn: Connection | undefined;
  let client: HubClient | undefined;
  const configPath = () => globals.config ?? defaultConfigPath(io.env);
  const cli: Cli = {
    io,
    configPath,
    loadConfig: () => loadConfig(configPath()),
    connection: () =>
      (conn ??= resolveConnection(
        loadConfig(configPath()),
        {
          ...(globals.server !== undefined ? { server: globals.server } : {}),
          ...(globals.token !== undefined ? { token: globals.token } : {}),
          ...(globals.context !== undefined ? { context: globals.context } : {}),
          ...(globals.certificateAuthority !== undefined
            ? { certificateAuthority: globals.certificateAuthority }
            : {}),
          ...(globals.insecureSkipTlsVerify ? { insecureSkipTlsVerify: true } : {}),
        },
        io.env,
      )),
    client: () =>
      (client ??= createHubClient(cli.connection(), {
        timeoutMs: globals.requestTimeout
          ? parseDuration(globals.requestTimeout, '--request-timeout')
          : 30_000,
        ...(io.signal ? { signal: io.signal } : {}),
      })),
    registrations: async (withHub) => {
      if (!withHub) return [...BUILTIN_TYPES];
      const list = await cli.client().request<{ items?: unknown[] }>({
        method: 'GET',
        path: '/apis/v1/resources',
        query: { kind: 'FederatedTypeConfig' },
      });
      const extra = (list.items ?? []).flatMap((item) => {
        try {
          return [typeRegistrationFromTypeConfig(item)];
        } catch {
          return [];
        }
      });
      return [...BUILTIN_TYPES, ...extra];
    },
    resolveKind: async (name) => {
      const known = createKindCatalog(BUILTIN_TYPES).resolve(name);
      if (known) return known;
      const catalog = createKindCatalog(await cli.registrations(true));
      const found = catalog.resolve(name);
      if (found) return found;
      const known2 = catalog
        .list()
        .filter((k) => k.kind !== 'Cluster')
        .map((k) => k.plural);
      throw new CliError(`the server doesn't have a resource type ${JSON.stringify(name)}`, {
        hint: `known kinds: clusters, ${known2.join(', ')}`,
      });
    },
  };
  return cli;
}
