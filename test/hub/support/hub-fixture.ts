/**
 * A real hub for tests: SQLite in a temp directory, gRPC and HTTP on 127.0.0.1 port 0, admin
 * tokens on, plus thin HTTP and gRPC clients that carry the admin token and (with `tls`) trust
 * the hub's CA. Used by the hub's colocated integration tests and the suites in test/hub.
 */
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger, type Logger } from '../../../shared/logger.ts';
import { compileHubConfig, type HubConfig } from '../../../hub/config.ts';
import type { AdminAuthorizer } from '../../../hub/engine/admin-authorizer.ts';
import type { Clock } from '../../../hub/engine/clock.ts';
import { startHub, type RunningHub } from '../../../hub/start-hub.ts';
import { grpcClient, type GrpcClient } from './grpc-clients.ts';
import { httpRequest, type HttpAnswer } from './http-client.ts';
import { captureLogs, type CapturedLogs } from '../../support/log-scan.ts';

export type { HttpAnswer };

export interface TestHubOptions {
  argv?: string[];
  clock?: Clock;
  /** Replaces the admin-token authorizer. */
  authorizeAdmin?: AdminAuthorizer;
  /**
   * Serve TLS with the hub's generated CA (the production default). Default false: the hub runs
   * `--insecure`, because agent end-to-end helpers still dial plaintext.
   */
  tls?: boolean;
  /** Capture every log line (level trace) for t.logs; default: logs are dropped. */
  captureLogs?: boolean;
}

export interface TestHub {
  hub: RunningHub;
  dir: string;
  config: HubConfig;
  /** The hub's first admin token (role admin), read from `<dir>/admin-token`. */
  adminToken: string;
  /**
   * A REST call. It carries the admin token unless `headers.authorization` is given ('' sends
   * none).
   */
  http(
    method: string,
    urlPath: string,
    body?: string | object,
    contentType?: string,
    headers?: Record<string, string>,
  ): Promise<HttpAnswer>;
  /**
   * A gRPC client that trusts the hub's CA (when TLS is on). AdminService calls carry the admin
   * token unless a credential is passed. Close it after use.
   */
  grpc(service: 'AgentService' | 'AdminService'): GrpcClient;
  /** Captured log lines (with captureLogs). */
  logs: CapturedLogs;
  /** Stops the hub and starts a new one on the same database. */
  restart(): Promise<void>;
  /** Stops the hub and removes its directory. */
  close(): Promise<void>;
}

/** Hub config on ports 0 in `dir`, with `argv` flags added. */
export function testHubConfig(dir: string, argv: string[] = []): HubConfig {
  return compileHubConfig(
    ['--data-dir', dir, '--grpc-port', '0', '--http-port', '0', '--log-level', 'silent', ...argv],
    {},
  );
}

export async function startTestHub(opts: TestHubOptions = {}): Promise<TestHub> {
  const dir = mkdtempSync(path.join(tmpdir(), 'fedhub-hub-'));
  // Tests make thousands of calls from one address; the limit is tested on its own.
  const argv = ['--rate-limit', '100000', '--rate-limit-burst', '100000', ...(opts.argv ?? [])];
  if (!opts.tls && !argv.includes('--insecure')) argv.push('--insecure');
  const config = testHubConfig(dir, argv);
  const logs = captureLogs();
  const log: Logger = opts.captureLogs
    ? createLogger({ level: 'trace', destination: logs.destination })
    : createLogger({ level: 'silent' });
  const start = () =>
    startHub(config, {
      log,
      announceAdminToken: () => {},
      ...(opts.clock ? { clock: opts.clock } : {}),
      ...(opts.authorizeAdmin ? { authorizeAdmin: opts.authorizeAdmin } : {}),
    });
  const hub = await start();
  const t: TestHub = {
    hub,
    dir,
    config,
    adminToken: readFileSync(config.adminTokenFile, 'utf8').trim(),
    logs,
    http: (method, urlPath, body, contentType, headers = {}) => {
      const h: Record<string, string> = { ...headers };
      if (!('authorization' in h)) h['authorization'] = `Bearer ${t.adminToken}`;
      if (h['authorization'] === '') delete h['authorization'];
      return httpRequest({
        port: t.hub.httpPort,
        caPem: t.hub.tls ? t.hub.caPem : undefined,
        method,
        path: urlPath,
        body,
        contentType,
        headers: h,
      });
    },
    grpc: (service) =>
      grpcClient(service, t.hub.grpcPort, {
        ...(t.hub.tls ? { caPem: t.hub.caPem } : {}),
        ...(service === 'AdminService' ? { defaultCredential: t.adminToken } : {}),
      }),
    restart: async () => {
      await t.hub.stop();
      t.hub = await start();
    },
    close: async () => {
      await t.hub.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return t;
}

/** A clock tests move by hand. */
export function manualClock(start = Date.UTC(2026, 0, 1)): Clock & { advance(ms: number): void } {
  let now = start;
  return { now: () => now, advance: (ms) => void (now += ms) };
}
