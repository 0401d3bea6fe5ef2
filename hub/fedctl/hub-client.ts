/**
 * The hub's REST API as fedctl calls it: JSON in and out, `Authorization: Bearer` when a token is
 * configured, TLS verified against the context's CA. Transport failures become
 * HubUnreachableError, Status answers HubStatusError.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { CliError, HubStatusError, HubUnreachableError } from './core/cli-errors.ts';
import type { Connection } from './core/connection.ts';

export interface HubRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | undefined>;
  /** A string is sent as is (with contentType), anything else as JSON. */
  body?: unknown;
  contentType?: string;
}

export interface HubClient {
  readonly server: string;
  /** The answer's JSON body; throws HubStatusError for 4xx/5xx. */
  request<T = Record<string, unknown>>(req: HubRequest): Promise<T>;
}

export interface HubClientOptions {
  /** Per request. Default 30 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

function readFileFor(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(
      `cannot read the ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      {
        cause: err,
      },
    );
  }
}

const NETWORK_HINTS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found (DNS)',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ETIMEDOUT: 'timed out',
};

export function createHubClient(conn: Connection, opts: HubClientOptions = {}): HubClient {
  const base = new URL(conn.server);
  const secure = base.protocol === 'https:';
  const ca = conn.certificateAuthority
    ? readFileFor(conn.certificateAuthority, 'certificate authority')
    : undefined;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const tokenOf = () =>
    conn.token ??
    (conn.tokenFile !== undefined ? readFileFor(conn.tokenFile, 'token file').trim() : undefined);

  const request = <T>(req: HubRequest): Promise<T> => {
    const url = new URL(base.pathname.replace(/\/$/, '') + req.path, base);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const payload =
      req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
    const token = tokenOf();
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers['authorization'] = `Bearer ${token}`;
    if (payload !== undefined) {
      headers['content-type'] =
        req.contentType ?? (typeof req.body === 'string' ? 'application/yaml' : 'application/json');
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    return new Promise<T>((resolve, reject) => {
      const options: https.RequestOptions = {
        method: req.method,
        headers,
        // One connection per call: a kept-alive socket would hold the process open after the last call.
        agent: false,
        timeout: timeoutMs,
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(secure ? { ...(ca ? { ca } : {}), rejectUnauthorized: !conn.insecureSkipTLSVerify } : {}),
      };
      const r = (secure ? https : http).request(url, options, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          let body: unknown;
          try {
            body = text === '' ? {} : JSON.parse(text);
          } catch {
            body = { message: `HTTP ${status} with a non-JSON body: ${text.slice(0, 200)}` };
          }
          if (status >= 400) reject(new HubStatusError(status, body as Record<string, never>));
          else resolve(body as T);
        });
        res.on('error', (err) => reject(new HubUnreachableError(conn.server, err.message, err)));
      });
      r.on('timeout', () =>
        r.destroy(Object.assign(new Error(`no answer in ${timeoutMs} ms`), { code: 'ETIMEDOUT' })),
      );
      r.on('error', (err: NodeJS.ErrnoException) => {
        if (err.name === 'AbortError') return reject(err);
        const code = err.code ?? '';
        const why =
          NETWORK_HINTS[code] ??
          (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code) ? `TLS: ${err.message}` : err.message);
        const out = new HubUnreachableError(conn.server, why, err);
        if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) {
          reject(
            new CliError(out.message, {
              hint: 'set the hub CA with --certificate-authority or certificateAuthority in the context',
              cause: err,
            }),
          );
        } else reject(out);
      });
      if (payload !== undefined) r.write(payload);
      r.end();
    });
  };
  return { server: conn.server, request };
}
