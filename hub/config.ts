/**
 * The hub's options, compiled once: every default lives here, durations are normalised to
 * milliseconds (`…Ms`), sizes to bytes, and anything that cannot work throws ConfigError
 * before the hub starts. Nothing else in the hub reads process.env.
 */
import path from 'node:path';
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { ConfigError } from '../shared/errors.ts';

export interface HubConfig {
  /** Directory of the database. Default `./data`. */
  dataDir: string;
  /** The SQLite file. Default `<dataDir>/fedhub.db`. */
  dbFile: string;
  /** gRPC listen address (agents and admin). Default 127.0.0.1:7443; port 0 picks a free port. */
  grpcHost: string;
  grpcPort: number;
  /** REST listen address. Default 127.0.0.1:7080; port 0 picks a free port. */
  httpHost: string;
  httpPort: number;
  /** Interval agents are told to heartbeat at. Default 5000. */
  heartbeatIntervalMs: number;
  /** Silence after which a cluster's Ready becomes Unknown. Default 20 s. */
  heartbeatGraceMs: number;
  /** How long a cluster stays not Ready before its replicas move elsewhere. Default 10 s. */
  failoverDelayMs: number;
  /** How long a returning cluster must stay Ready before replicas move back. Default 30 s. */
  stabilizationWindowMs: number;
  /** How long shrinking waits for the clusters keeping replicas to report them ready. Default 2 m. */
  failbackTimeoutMs: number;
  /** Unschedulable pods older than this limit a cluster's capacity for the workload. Default 1 m. */
  unschedulableThresholdMs: number;
  /** How often cluster health is re-evaluated. Default 1 s. */
  healthTickMs: number;
  /** How long tombstones are kept for deltas. Default 7 days. */
  tombstoneRetentionMs: number;
  /** How often old tombstones are pruned. Default 10 minutes. */
  compactionIntervalMs: number;
  /** Bootstrap token lifetime and uses when the request leaves them 0. Default 24 h, 1. */
  bootstrapTokenTtlMs: number;
  bootstrapTokenMaxUses: number;
  /** Submission limits. Defaults 1 MiB per document, 8 MiB per request, 1000 documents. */
  maxDocumentBytes: number;
  maxRequestBytes: number;
  maxDocuments: number;
  /** Largest gRPC message sent or received. Default 16 MiB. */
  grpcMaxMessageBytes: number;
  /** Sync chunking: bytes of manifests and objects per message. Defaults 1 MiB, 500. */
  syncChunkBytes: number;
  syncChunkObjects: number;
  /** Server keepalive pings, so dead agents are found. Defaults 30 s, 10 s. */
  keepaliveTimeMs: number;
  keepaliveTimeoutMs: number;
  /** pino level. Default info. */
  logLevel: string;
  /**
   * Plaintext gRPC and HTTP (`--insecure`). Default false: TLS on both, with the certificate
   * files below or a CA and serving certificate the hub makes in `<dataDir>/pki/`.
   */
  insecure: boolean;
  /** Serving certificate and key (PEM), given together. Default: generated in `<dataDir>/pki/`. */
  tlsCertFile: string | undefined;
  tlsKeyFile: string | undefined;
  /** The CA of tlsCertFile, handed to agents in bootstrap bundles. Default: none (public CA). */
  tlsCaFile: string | undefined;
  /** Extra names (DNS or IP) of the generated serving certificate. Default none. */
  tlsSans: string[];
  /** AES-256 key (32 bytes as base64 or hex) encrypting Secret data at rest. Default: none. */
  encryptionKeyFile: string | undefined;
  /** Where the first admin token is written (0600). Default `<dataDir>/admin-token`. */
  adminTokenFile: string;
  /** Per-client token bucket (per credential, else per address): refill per second and burst. Defaults 50, 200. */
  rateLimitPerSecond: number;
  rateLimitBurst: number;
  /** Longest a REST request or a unary gRPC call may take. Default 30 s. */
  requestTimeoutMs: number;
}

type Kind = 'string' | 'port' | 'duration' | 'bytes' | 'count' | 'switch' | 'list';
interface OptionSpec {
  key: keyof HubConfig;
  flag: string;
  env: string;
  kind: Kind;
  default: string | undefined;
}

const SPECS: OptionSpec[] = [
  { key: 'dataDir', flag: 'data-dir', env: 'FEDHUB_DATA_DIR', kind: 'string', default: './data' },
  { key: 'dbFile', flag: 'db-file', env: 'FEDHUB_DB_FILE', kind: 'string', default: undefined },
  { key: 'grpcHost', flag: 'grpc-host', env: 'FEDHUB_GRPC_HOST', kind: 'string', default: '127.0.0.1' },
  { key: 'grpcPort', flag: 'grpc-port', env: 'FEDHUB_GRPC_PORT', kind: 'port', default: '7443' },
  { key: 'httpHost', flag: 'http-host', env: 'FEDHUB_HTTP_HOST', kind: 'string', default: '127.0.0.1' },
  { key: 'httpPort', flag: 'http-port', env: 'FEDHUB_HTTP_PORT', kind: 'port', default: '7080' },
  {
    key: 'heartbeatIntervalMs',
    flag: 'heartbeat-interval',
    env: 'FEDHUB_HEARTBEAT_INTERVAL',
    kind: 'duration',
    default: '5s',
  },
  {
    key: 'heartbeatGraceMs',
    flag: 'heartbeat-grace',
    env: 'FEDHUB_HEARTBEAT_GRACE',
    kind: 'duration',
    default: '20s',
  },
  {
    key: 'failoverDelayMs',
    flag: 'failover-delay',
    env: 'FEDHUB_FAILOVER_DELAY',
    kind: 'duration',
    default: '10s',
  },
  {
    key: 'stabilizationWindowMs',
    flag: 'stabilization-window',
    env: 'FEDHUB_STABILIZATION_WINDOW',
    kind: 'duration',
    default: '30s',
  },
  {
    key: 'failbackTimeoutMs',
    flag: 'failback-timeout',
    env: 'FEDHUB_FAILBACK_TIMEOUT',
    kind: 'duration',
    default: '2m',
  },
  {
    key: 'unschedulableThresholdMs',
    flag: 'unschedulable-threshold',
    env: 'FEDHUB_UNSCHEDULABLE_THRESHOLD',
    kind: 'duration',
    default: '1m',
  },
  { key: 'healthTickMs', flag: 'health-tick', env: 'FEDHUB_HEALTH_TICK', kind: 'duration', default: '1s' },
  {
    key: 'tombstoneRetentionMs',
    flag: 'tombstone-retention',
    env: 'FEDHUB_TOMBSTONE_RETENTION',
    kind: 'duration',
    default: '7d',
  },
  {
    key: 'compactionIntervalMs',
    flag: 'compaction-interval',
    env: 'FEDHUB_COMPACTION_INTERVAL',
    kind: 'duration',
    default: '10m',
  },
  {
    key: 'bootstrapTokenTtlMs',
    flag: 'bootstrap-token-ttl',
    env: 'FEDHUB_BOOTSTRAP_TOKEN_TTL',
    kind: 'duration',
    default: '24h',
  },
  {
    key: 'bootstrapTokenMaxUses',
    flag: 'bootstrap-token-max-uses',
    env: 'FEDHUB_BOOTSTRAP_TOKEN_MAX_USES',
    kind: 'count',
    default: '1',
  },
  {
    key: 'maxDocumentBytes',
    flag: 'max-document-bytes',
    env: 'FEDHUB_MAX_DOCUMENT_BYTES',
    kind: 'bytes',
    default: '1Mi',
  },
  {
    key: 'maxRequestBytes',
    flag: 'max-request-bytes',
    env: 'FEDHUB_MAX_REQUEST_BYTES',
    kind: 'bytes',
    default: '8Mi',
  },
  { key: 'maxDocuments', flag: 'max-documents', env: 'FEDHUB_MAX_DOCUMENTS', kind: 'count', default: '1000' },
  {
    key: 'grpcMaxMessageBytes',
    flag: 'grpc-max-message-bytes',
    env: 'FEDHUB_GRPC_MAX_MESSAGE_BYTES',
    kind: 'bytes',
    default: '16Mi',
  },
  {
    key: 'syncChunkBytes',
    flag: 'sync-chunk-bytes',
    env: 'FEDHUB_SYNC_CHUNK_BYTES',
    kind: 'bytes',
    default: '1Mi',
  },
  {
    key: 'syncChunkObjects',
    flag: 'sync-chunk-objects',
    env: 'FEDHUB_SYNC_CHUNK_OBJECTS',
    kind: 'count',
    default: '500',
  },
  {
    key: 'keepaliveTimeMs',
    flag: 'keepalive-time',
    env: 'FEDHUB_KEEPALIVE_TIME',
    kind: 'duration',
    default: '30s',
  },
  {
    key: 'keepaliveTimeoutMs',
    flag: 'keepalive-timeout',
    env: 'FEDHUB_KEEPALIVE_TIMEOUT',
    kind: 'duration',
    default: '10s',
  },
  { key: 'logLevel', flag: 'log-level', env: 'FEDHUB_LOG_LEVEL', kind: 'string', default: 'info' },
  { key: 'insecure', flag: 'insecure', env: 'FEDHUB_INSECURE', kind: 'switch', default: 'false' },
  {
    key: 'tlsCertFile',
    flag: 'tls-cert-file',
    env: 'FEDHUB_TLS_CERT_FILE',
    kind: 'string',
    default: undefined,
  },
  { key: 'tlsKeyFile', flag: 'tls-key-file', env: 'FEDHUB_TLS_KEY_FILE', kind: 'string', default: undefined },
  { key: 'tlsCaFile', flag: 'tls-ca-file', env: 'FEDHUB_TLS_CA_FILE', kind: 'string', default: undefined },
  { key: 'tlsSans', flag: 'tls-san', env: 'FEDHUB_TLS_SANS', kind: 'list', default: '' },
  {
    key: 'encryptionKeyFile',
    flag: 'encryption-key-file',
    env: 'FEDHUB_ENCRYPTION_KEY_FILE',
    kind: 'string',
    default: undefined,
  },
  {
    key: 'adminTokenFile',
    flag: 'admin-token-file',
    env: 'FEDHUB_ADMIN_TOKEN_FILE',
    kind: 'string',
    default: undefined,
  },
  {
    key: 'rateLimitPerSecond',
    flag: 'rate-limit',
    env: 'FEDHUB_RATE_LIMIT',
    kind: 'count',
    default: '50',
  },
  {
    key: 'rateLimitBurst',
    flag: 'rate-limit-burst',
    env: 'FEDHUB_RATE_LIMIT_BURST',
    kind: 'count',
    default: '200',
  },
  {
    key: 'requestTimeoutMs',
    flag: 'request-timeout',
    env: 'FEDHUB_REQUEST_TIMEOUT',
    kind: 'duration',
    default: '30s',
  },
];

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const BYTE_UNITS: Record<string, number> = { '': 1, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 };
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

const DNS_NAME =
  /^(?=.{1,253}$)(\*\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

function convert(spec: OptionSpec, raw: string): string | number | boolean | string[] {
  const name = spec.key;
  switch (spec.kind) {
    case 'switch':
      if (!['true', 'false', '1', '0', ''].includes(raw))
        throw new ConfigError(`${name} must be true or false, got ${raw}`);
      return raw === 'true' || raw === '1' || raw === '';
    case 'list': {
      const items = raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      for (const item of items) {
        if (isIP(item) === 0 && !DNS_NAME.test(item))
          throw new ConfigError(`${name}: ${JSON.stringify(item)} is neither a DNS name nor an IP address`);
      }
      return items;
    }
    case 'string':
      if (raw.trim() === '') throw new ConfigError(`${name} must not be empty`);
      return raw;
    case 'port': {
      const n = Number(raw);
      if (!/^\d+$/.test(raw) || n > 65535)
        throw new ConfigError(`${name} must be a port 0-65535, got ${raw}`);
      return n;
    }
    case 'count': {
      const n = Number(raw);
      if (!/^\d+$/.test(raw) || n < 1) throw new ConfigError(`${name} must be an integer >= 1, got ${raw}`);
      return n;
    }
    case 'duration': {
      // A bare number is milliseconds.
      const m = /^(\d+)(ms|s|m|h|d)?$/.exec(raw);
      const n = m ? Number(m[1]) * DURATION_UNITS[m[2] ?? 'ms']! : NaN;
      if (!(n > 0))
        throw new ConfigError(`${name} must be a duration > 0 like 500ms, 5s, 10m, 24h; got ${raw}`);
      return n;
    }
    case 'bytes': {
      const m = /^(\d+)(Ki|Mi|Gi)?$/.exec(raw);
      const n = m ? Number(m[1]) * BYTE_UNITS[m[2] ?? '']! : NaN;
      if (!(n > 0)) throw new ConfigError(`${name} must be a size > 0 like 65536, 512Ki, 8Mi; got ${raw}`);
      return n;
    }
  }
}

/** Help text listing every option, its environment variable and default. */
export function hubConfigHelp(): string {
  const fallback: Partial<Record<keyof HubConfig, string>> = {
    dbFile: '<data-dir>/fedhub.db',
    adminTokenFile: '<data-dir>/admin-token',
    tlsCertFile: 'generated in <data-dir>/pki/',
  };
  return SPECS.map((s) => `  --${s.flag} (${s.env}) default: ${s.default ?? fallback[s.key] ?? 'none'}`).join(
    '\n',
  );
}

/**
 * Compiles argv (without node and script) and env into a HubConfig. Flags win over environment,
 * environment over defaults. Throws ConfigError naming the option and why.
 */
export function compileHubConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): HubConfig {
  let values: Record<string, string | boolean | Array<string | boolean> | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: Object.fromEntries(
        SPECS.map((s) => [
          s.flag,
          s.kind === 'switch'
            ? { type: 'boolean' as const }
            : s.kind === 'list'
              ? { type: 'string' as const, multiple: true as const }
              : { type: 'string' as const },
        ]),
      ),
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new ConfigError((err as Error).message, { cause: err });
  }
  const out: Record<string, string | number | boolean | string[]> = {};
  for (const spec of SPECS) {
    const given = values[spec.flag];
    const flag = Array.isArray(given) ? given.join(',') : typeof given === 'boolean' ? String(given) : given;
    const raw = flag ?? env[spec.env] ?? spec.default;
    if (raw !== undefined) out[spec.key] = convert(spec, raw);
  }
  const config = out as unknown as HubConfig;
  config.dbFile ??= path.join(config.dataDir, 'fedhub.db');
  config.adminTokenFile ??= path.join(config.dataDir, 'admin-token');
  if ((config.tlsCertFile === undefined) !== (config.tlsKeyFile === undefined)) {
    throw new ConfigError('tlsCertFile and tlsKeyFile must be given together');
  }
  if (config.insecure && (config.tlsCertFile || config.tlsCaFile || config.tlsSans.length > 0)) {
    throw new ConfigError('insecure: cannot be combined with tlsCertFile, tlsCaFile or tlsSans');
  }
  if (config.tlsCaFile && !config.tlsCertFile) {
    throw new ConfigError('tlsCaFile needs tlsCertFile and tlsKeyFile');
  }
  if (config.tlsCertFile && config.tlsSans.length > 0) {
    throw new ConfigError('tlsSans applies to the generated certificate only, not to tlsCertFile');
  }
  if (config.rateLimitBurst < config.rateLimitPerSecond) {
    throw new ConfigError('rateLimitBurst must be >= rateLimitPerSecond');
  }
  if (!LOG_LEVELS.includes(config.logLevel)) {
    throw new ConfigError(`logLevel must be one of ${LOG_LEVELS.join(', ')}, got ${config.logLevel}`);
  }
  if (config.maxDocumentBytes > config.maxRequestBytes) {
    throw new ConfigError('maxDocumentBytes must be <= maxRequestBytes');
  }
  if (config.syncChunkBytes * 2 > config.grpcMaxMessageBytes) {
    throw new ConfigError('syncChunkBytes must be at most half of grpcMaxMessageBytes');
  }
  if (config.maxRequestBytes > config.grpcMaxMessageBytes) {
    throw new ConfigError(
      'maxRequestBytes must be <= grpcMaxMessageBytes (admin Apply carries a whole request)',
    );
  }
  return config;
}
