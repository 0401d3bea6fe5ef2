/**
 * A small HTTPS client for the member's API server. @kubernetes/client-node supplies the
 * configuration (kubeconfig or in-cluster service account, with its TLS material and token);
 * requests are plain HTTPS so the agent controls content types (server-side apply), watches
 * and timeouts itself. The only module besides discovery that talks to the API server.
 */
import type { ClientRequest, IncomingMessage } from 'node:http';
import https from 'node:https';
import * as k8s from '@kubernetes/client-node';
import { FedhubError } from '../../shared/errors.ts';

/** The API server answered with an error status; `message` is the server's own message. */
export class KubeApiError extends FedhubError {
  readonly status: number;
  readonly reason: string;
  constructor(status: number, reason: string, message: string) {
    super(message);
    this.status = status;
    this.reason = reason;
  }
}

export interface KubeRequestOptions {
  body?: unknown;
  contentType?: string;
  query?: Record<string, string | number | boolean | undefined>;
  signal?: AbortSignal;
  /** Default 30 s. */
  timeoutMs?: number;
  /** Resolve with the body as text instead of parsing JSON (for /readyz). */
  text?: boolean;
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: Record<string, unknown>;
}

export interface KubeClient {
  /** The API server URL, for logs. */
  readonly server: string;
  /** Sends one request; resolves with the parsed JSON body (undefined when empty), throws KubeApiError. */
  request<T = Record<string, unknown>>(method: string, path: string, opts?: KubeRequestOptions): Promise<T>;
  /** Streams a watch until the server ends it or `signal` aborts. */
  watch(
    path: string,
    query: Record<string, string | number | boolean | undefined>,
    onEvent: (e: WatchEvent) => void,
    signal: AbortSignal,
  ): Promise<void>;
  /** Closes idle kept-alive connections. */
  close(): void;
}

export interface KubeConnectOptions {
  /** Path of a kubeconfig; ignored when `inCluster`. */
  kubeconfigPath?: string;
  /** Use the pod's service account. */
  inCluster: boolean;
  /** kubeconfig context; default the current one. */
  context?: string;
  /** Timeout of a request that does not give its own. Default 30 s. */
  timeoutMs?: number;
  /** A watch that receives nothing for this long is cut and re-listed. Default 330 s. */
  watchIdleMs?: number;
}

/** How long resolved TLS options and token are reused before the config is asked again (tokens rotate). */
const OPTIONS_TTL_MS = 60_000;

function toUrl(server: string, path: string, query: KubeRequestOptions['query']): URL {
  const url = new URL(`${server.replace(/\/$/, '')}${path}`);
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  return url;
}

function toApiError(status: number, text: string): KubeApiError {
  try {
    const s = JSON.parse(text) as { reason?: string; message?: string };
    return new KubeApiError(status, s.reason ?? '', s.message ?? text);
  } catch {
    return new KubeApiError(status, '', text.slice(0, 500) || `HTTP ${status}`);
  }
}

export function createKubeClient(opts: KubeConnectOptions): KubeClient {
  const kc = new k8s.KubeConfig();
  if (opts.inCluster) kc.loadFromCluster();
  else if (opts.kubeconfigPath) kc.loadFromFile(opts.kubeconfigPath);
  else kc.loadFromDefault();
  if (opts.context) kc.setCurrentContext(opts.context);
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new FedhubError('kubeconfig has no current cluster');
  const server = cluster.server;

  let cached: { at: number; options: https.RequestOptions } | undefined;
  let pool: { agent: https.Agent; tls: string } | undefined;
  async function baseOptions(): Promise<https.RequestOptions> {
    if (cached && Date.now() - cached.at < OPTIONS_TTL_MS) return cached.options;
    const options: https.RequestOptions = { headers: {} };
    await kc.applyToHTTPSOptions(options);
    // The config's own agent opens a new TLS connection per request; keep connections alive
    // instead, with one pool that is replaced only when the TLS material changes.
    const tlsOptions = {
      ca: options.ca,
      cert: options.cert,
      key: options.key,
      rejectUnauthorized: options.rejectUnauthorized,
      servername: options.servername,
    };
    const tls = JSON.stringify(tlsOptions);
    if (!pool || pool.tls !== tls) pool = { agent: new https.Agent({ keepAlive: true, ...tlsOptions }), tls };
    options.agent = pool.agent;
    cached = { at: Date.now(), options };
    return options;
  }

  async function open(
    method: string,
    url: URL,
    o: KubeRequestOptions,
    onResponse: (res: IncomingMessage) => void,
    onError: (err: Error) => void,
  ): Promise<ClientRequest> {
    const base = await baseOptions();
    const payload = o.body === undefined ? undefined : JSON.stringify(o.body);
    const req = https.request(url, {
      ...base,
      method,
      headers: {
        ...(base.headers as Record<string, string>),
        accept: 'application/json',
        ...(payload ? { 'content-type': o.contentType ?? 'application/json' } : {}),
      },
      signal: o.signal,
    });
    req.on('response', onResponse);
    req.on('error', onError);
    if (payload) req.write(payload);
    req.end();
    return req;
  }

  return {
    server,
    close: () => pool?.agent.destroy(),
    async request<T>(method: string, path: string, o: KubeRequestOptions = {}): Promise<T> {
      const url = toUrl(server, path, o.query);
      const timeoutMs = o.timeoutMs ?? opts.timeoutMs ?? 30_000;
      return new Promise<T>((resolve, reject) => {
        let timer: NodeJS.Timeout | undefined;
        void open(
          method,
          url,
          o,
          (res) => {
            let data = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => (data += c));
            res.on('error', reject);
            res.on('end', () => {
              clearTimeout(timer);
              const status = res.statusCode ?? 0;
              if (status >= 400) return reject(toApiError(status, data));
              if (o.text) return resolve(data as T);
              try {
                resolve((data === '' ? undefined : JSON.parse(data)) as T);
              } catch (err) {
                reject(new FedhubError(`${method} ${url.pathname}: response is not JSON`, { cause: err }));
              }
            });
          },
          (err) => {
            clearTimeout(timer);
            reject(err);
          },
        ).then((req) => {
          timer = setTimeout(
            () => req.destroy(new FedhubError(`${method} ${url.pathname} timed out after ${timeoutMs} ms`)),
            timeoutMs,
          );
        }, reject);
      });
    },

    async watch(path, query, onEvent, signal): Promise<void> {
      const url = toUrl(server, path, { ...query, watch: true });
      await new Promise<void>((resolve, reject) => {
        void open(
          'GET',
          url,
          { signal },
          (res) => {
            const status = res.statusCode ?? 0;
            let buf = '';
            res.setEncoding('utf8');
            if (status >= 400) {
              res.on('data', (c: string) => (buf += c));
              res.on('end', () => reject(toApiError(status, buf)));
              return;
            }
            res.on('data', (c: string) => {
              buf += c;
              let nl: number;
              while ((nl = buf.indexOf('\n')) >= 0) {
                const line = buf.slice(0, nl).trim();
                buf = buf.slice(nl + 1);
                if (!line) continue;
                let event: WatchEvent;
                try {
                  event = JSON.parse(line) as WatchEvent;
                } catch {
                  res.destroy(new FedhubError('watch stream sent a line that is not JSON'));
                  return;
                }
                onEvent(event);
              }
            });
            res.on('end', () => resolve());
            res.on('error', (err) => (signal.aborted ? resolve() : reject(err)));
          },
          (err) => (signal.aborted ? resolve() : reject(err)),
        ).then((req) => {
          // A silent server (partitioned, or stopped) never ends the watch by itself.
          req.setTimeout(opts.watchIdleMs ?? 330_000, () =>
            req.destroy(new FedhubError('watch idle for too long')),
          );
        }, reject);
      });
    },
  };
}
