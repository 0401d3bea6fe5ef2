/**
 * A real hub for tests: SQLite in a temp directory, gRPC and HTTP on 127.0.0.1 port 0, plus thin
 * HTTP and gRPC clients. Used by the hub's colocated integration tests and the suites in test/hub.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '../../../shared/logger.ts';
import { compileHubConfig, type HubConfig } from '../../../hub/config.ts';
import type { AdminAuthorizer } from '../../../hub/engine/admin-authorizer.ts';
import type { Clock } from '../../../hub/engine/clock.ts';
import { startHub, type RunningHub } from '../../../hub/start-hub.ts';

export interface HttpAnswer {
  status: number;
  body: Record<string, unknown>;
}

export interface TestHub {
  hub: RunningHub;
  dir: string;
  config: HubConfig;
  http(
    method: string,
    urlPath: string,
    body?: string | object,
    contentType?: string,
    headers?: Record<string, string>,
  ): Promise<HttpAnswer>;
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

export async function startTestHub(
  opts: { argv?: string[]; clock?: Clock; authorizeAdmin?: AdminAuthorizer } = {},
): Promise<TestHub> {
  const dir = mkdtempSync(path.join(tmpdir(), 'fedhub-hub-'));
  const config = testHubConfig(dir, opts.argv);
  const log = createLogger({ level: 'silent' });
  const start = () =>
    startHub(config, {
      log,
      ...(opts.clock ? { clock: opts.clock } : {}),
      ...(opts.authorizeAdmin ? { authorizeAdmin: opts.authorizeAdmin } : {}),
    });
  const t: TestHub = {
    hub: await start(),
    dir,
    config,
    http: async (method, urlPath, body, contentType, headers: Record<string, string> = {}) => {
      let payload: string | undefined;
      if (body !== undefined) {
        payload = typeof body === 'string' ? body : JSON.stringify(body);
        headers['content-type'] =
          contentType ?? (typeof body === 'string' ? 'application/yaml' : 'application/json');
      }
      const res = await fetch(`http://127.0.0.1:${t.hub.httpPort}${urlPath}`, {
        method,
        headers,
        body: payload,
      });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    },
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
