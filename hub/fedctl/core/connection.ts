/**
 * fedctl's config file (contexts like kubeconfig) and how flags, environment and the current
 * context combine into one connection: flags win over environment, environment over the context,
 * the context over the default. Pure: reading files is the caller's.
 */
import { UsageError } from './cli-errors.ts';

/** The hub's default REST address. */
export const DEFAULT_SERVER = 'http://127.0.0.1:7080';
export const CONFIG_API_VERSION = 'fedhub.io/v1';

export interface ContextEntry {
  name: string;
  /** REST URL of the hub, e.g. https://hub.example.com:7080. */
  server?: string;
  /** PEM file of the CA that signed the hub's certificate. */
  certificateAuthority?: string;
  /** Skip verifying the hub's certificate (testing only). */
  insecureSkipTLSVerify?: boolean;
  /** Admin token sent as `Authorization: Bearer`. */
  token?: string;
  /** File holding the admin token (read at each call). */
  tokenFile?: string;
  /** Namespace used when -n is not given. Default "default". */
  namespace?: string;
}

export interface FedctlConfig {
  apiVersion: string;
  kind: 'Config';
  'current-context'?: string;
  contexts: ContextEntry[];
}

export interface ConnectionFlags {
  server?: string;
  token?: string;
  context?: string;
  certificateAuthority?: string;
  insecureSkipTlsVerify?: boolean;
}

export interface Connection {
  server: string;
  token?: string;
  tokenFile?: string;
  certificateAuthority?: string;
  insecureSkipTLSVerify: boolean;
  namespace: string;
  /** The context used, if any. */
  context?: string;
}

export function emptyConfig(): FedctlConfig {
  return { apiVersion: CONFIG_API_VERSION, kind: 'Config', contexts: [] };
}

const CONTEXT_KEYS = [
  'name',
  'server',
  'certificateAuthority',
  'insecureSkipTLSVerify',
  'token',
  'tokenFile',
  'namespace',
];
const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** @throws UsageError unless `server` is an http(s) URL. */
export function checkServer(server: string, where: string): string {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new UsageError(
      `${where}: ${JSON.stringify(server)} is not a URL (expected e.g. https://hub.example.com:7080)`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${where}: must be an http:// or https:// URL, got ${JSON.stringify(server)}`);
  }
  return server.replace(/\/+$/, '');
}

/**
 * Validates a parsed config file.
 * @throws UsageError naming the file and the field, e.g. `contexts[1].server`.
 */
export function validateConfig(doc: unknown, file: string): FedctlConfig {
  if (doc === null || doc === undefined) return emptyConfig();
  const bad = (field: string, why: string) => new UsageError(`config file ${file}: ${field}: ${why}`);
  if (!isObj(doc)) throw bad('document', 'must be a mapping');
  const contexts = doc['contexts'] ?? [];
  if (!Array.isArray(contexts)) throw bad('contexts', 'must be a list');
  const seen = new Set<string>();
  const out: ContextEntry[] = contexts.map((c, i) => {
    const at = `contexts[${i}]`;
    if (!isObj(c)) throw bad(at, 'must be a mapping');
    for (const k of Object.keys(c)) if (!CONTEXT_KEYS.includes(k)) throw bad(`${at}.${k}`, 'unknown field');
    if (typeof c['name'] !== 'string' || c['name'] === '')
      throw bad(`${at}.name`, 'must be a non-empty string');
    if (seen.has(c['name'])) throw bad(`${at}.name`, `${JSON.stringify(c['name'])} is used twice`);
    seen.add(c['name']);
    for (const k of ['server', 'certificateAuthority', 'token', 'tokenFile', 'namespace']) {
      if (c[k] !== undefined && typeof c[k] !== 'string') throw bad(`${at}.${k}`, 'must be a string');
    }
    if (c['insecureSkipTLSVerify'] !== undefined && typeof c['insecureSkipTLSVerify'] !== 'boolean')
      throw bad(`${at}.insecureSkipTLSVerify`, 'must be true or false');
    if (typeof c['server'] === 'string') checkServer(c['server'], `config file ${file}: ${at}.server`);
    if (c['token'] !== undefined && c['tokenFile'] !== undefined)
      throw bad(at, 'set token or tokenFile, not both');
    return c as unknown as ContextEntry;
  });
  const current = doc['current-context'];
  if (current !== undefined && typeof current !== 'string') throw bad('current-context', 'must be a string');
  return {
    apiVersion: typeof doc['apiVersion'] === 'string' ? doc['apiVersion'] : CONFIG_API_VERSION,
    kind: 'Config',
    ...(current ? { 'current-context': current } : {}),
    contexts: out,
  };
}

/**
 * The connection from flags, environment (FEDHUB_SERVER, FEDHUB_TOKEN) and the config.
 * @throws UsageError when --context (or current-context) names no context, or a server is not a URL.
 */
export function resolveConnection(
  config: FedctlConfig,
  flags: ConnectionFlags,
  env: Readonly<Record<string, string | undefined>>,
): Connection {
  const name = flags.context ?? config['current-context'];
  const ctx = name === undefined ? undefined : config.contexts.find((c) => c.name === name);
  if (name !== undefined && !ctx) {
    const known = config.contexts.map((c) => c.name);
    throw new UsageError(
      `context ${JSON.stringify(name)} not found${known.length > 0 ? ` (have: ${known.join(', ')})` : ''}`,
      'list them with fedctl config get-contexts, or create it with fedctl config set-context',
    );
  }
  const server = flags.server ?? env['FEDHUB_SERVER'] ?? ctx?.server ?? DEFAULT_SERVER;
  const where = flags.server
    ? '--server'
    : env['FEDHUB_SERVER']
      ? 'FEDHUB_SERVER'
      : `context ${name}: server`;
  const token = flags.token ?? env['FEDHUB_TOKEN'] ?? ctx?.token;
  const ca = flags.certificateAuthority ?? ctx?.certificateAuthority;
  return {
    server: checkServer(server, where),
    ...(token !== undefined ? { token } : ctx?.tokenFile !== undefined ? { tokenFile: ctx.tokenFile } : {}),
    ...(ca !== undefined ? { certificateAuthority: ca } : {}),
    insecureSkipTLSVerify: flags.insecureSkipTlsVerify ?? ctx?.insecureSkipTLSVerify ?? false,
    namespace: ctx?.namespace ?? 'default',
    ...(ctx ? { context: ctx.name } : {}),
  };
}

/** The config with `name` created or its given fields replaced; `current` also makes it current. */
export function setContext(config: FedctlConfig, entry: ContextEntry, current: boolean): FedctlConfig {
  const existing = config.contexts.find((c) => c.name === entry.name);
  const merged: ContextEntry = { ...existing, ...entry };
  // token and tokenFile exclude each other: the one just set wins.
  if (entry.token !== undefined) delete merged.tokenFile;
  if (entry.tokenFile !== undefined) delete merged.token;
  const contexts = existing
    ? config.contexts.map((c) => (c.name === entry.name ? merged : c))
    : [...config.contexts, merged];
  return {
    ...config,
    contexts,
    ...(current || config.contexts.length === 0 ? { 'current-context': entry.name } : {}),
  };
}

/** @throws UsageError when no context has that name. */
export function useContext(config: FedctlConfig, name: string): FedctlConfig {
  if (!config.contexts.some((c) => c.name === name)) {
    throw new UsageError(
      `context ${JSON.stringify(name)} not found`,
      'list them with fedctl config get-contexts',
    );
  }
  return { ...config, 'current-context': name };
}

/** The config with token values replaced by REDACTED (for `config view`). */
export function redactConfig(config: FedctlConfig): FedctlConfig {
  return {
    ...config,
    contexts: config.contexts.map((c) => (c.token === undefined ? c : { ...c, token: 'REDACTED' })),
  };
}
