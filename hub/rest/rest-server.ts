import type { Duplex } from 'node:stream';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
} from 'fastify';
import type { Logger } from '../../shared/logger.ts';
import { parseBearer, type AdminAuthorizer } from '../engine/admin-authorizer.ts';
import type { Engine } from '../engine/engine.ts';
import { RateLimitedError, type RateLimiter } from '../guard/rate-limiter.ts';
import { registerAccessRoutes } from './access-routes.ts';
import { registerClusterRoutes } from './cluster-routes.ts';
import { registerFailoverRoutes } from './failover-routes.ts';
import type { HubMetrics } from '../metrics.ts';
import { registerResourceRoutes } from './resource-routes.ts';
import { toHttpError } from './to-http-error.ts';

export interface RestServerOptions {
  /** Largest request body; larger is 413. */
  maxRequestBytes: number;
  /** Longest a request may take to arrive and be answered; also the idle socket timeout. Default 30 s. */
  requestTimeoutMs?: number;
  /** Serve HTTPS with this certificate and key; absent: plaintext (the hub's --insecure). */
  tls?: { certPem: string; keyPem: string };
  /** The CA handed out with bootstrap tokens and by GET /apis/v1/ca. Default ''. */
  caPem?: string;
  /** Per-client limit (identity of a valid bearer token, else remote address). Default: none. */
  limiter?: RateLimiter;
}

export interface RestDeps {
  engine: Engine;
  log: Logger;
  /** Runs before every /apis/ request; throwing refuses it. */
  authorizeAdmin: AdminAuthorizer;
  /** False once shutdown began: /readyz answers 503. */
  isReady(): boolean;
  /** Served at /metrics (Prometheus text format), and fed submission latencies. */
  metrics?: HubMetrics;
}

/** A Status-shaped answer written straight to the socket, for requests that never parsed. */
function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const [code, reason, message] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'Timeout', 'request not received in time']
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'RequestHeaderFieldsTooLarge', 'request headers too large']
        : [400, 'BadRequest', 'malformed HTTP request'];
  const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message });
  socket.end(
    `HTTP/1.1 ${code} ${reason}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** The REST API: every /apis/ route passes deps.authorizeAdmin first; errors go through toHttpError. */
export function buildRestServer(deps: RestDeps, opts: RestServerOptions): FastifyInstance {
  const log = deps.log.child({ component: 'rest' });
  const timeout = opts.requestTimeoutMs ?? 30_000;
  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    bodyLimit: opts.maxRequestBytes,
    logController: new LogController({ disableRequestLogging: true }),
    connectionTimeout: timeout,
    requestTimeout: timeout,
    ...(opts.tls ? { https: { cert: opts.tls.certPem, key: opts.tls.keyPem } } : {}),
    // Requests Node's HTTP parser refuses (malformed framing, headers too large, too slow).
    clientErrorHandler: answerClientError,
    // Router refusals (bad URL encoding, an over-long path parameter) answer in the same Status shape.
    frameworkErrors: (err: Error, _req: unknown, reply: FastifyReply) => {
      const body = toHttpError(err, log);
      void reply.code(body.code).type('application/json').send(body);
    },
  }) as unknown as FastifyInstance;
  app.setErrorHandler((err, _req, reply) => {
    const body = toHttpError(err, log);
    if (err instanceof RateLimitedError) void reply.header('retry-after', Math.ceil(err.retryAfterMs / 1000));
    void reply.code(body.code).type('application/json').send(body);
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      code: 404,
      reason: 'NotFound',
      message: `no route ${req.method} ${req.url}`,
    });
  });
  app.addHook('onRequest', async (req) => {
    const bearer = parseBearer(req.headers.authorization);
    opts.limiter?.take(deps.engine.identify(bearer) ?? `addr:${req.ip}`);
    if (req.url.startsWith('/apis/')) {
      deps.authorizeAdmin(bearer, `${req.method} ${req.routeOptions.url ?? req.url}`);
    }
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  const metrics = deps.metrics;
  if (metrics) {
    // Outside /apis/: scraped without an admin token; it carries cluster names and counts only.
    app.get('/metrics', async (_req, reply) => {
      void reply.type(metrics.registry.contentType);
      return metrics.registry.metrics();
    });
    app.addHook('onResponse', async (req, reply) => {
      if (req.method === 'POST' && req.routeOptions.url === '/apis/v1/apply') {
        metrics.observeSubmission(reply.elapsedTime / 1000, 'rest', reply.statusCode < 400 ? 'ok' : 'error');
      }
    });
  }
  app.get('/readyz', async (_req, reply) => {
    if (!deps.isReady()) reply.code(503);
    return { status: deps.isReady() ? 'ok' : 'stopping' };
  });
  registerResourceRoutes(app, deps.engine);
  registerClusterRoutes(app, deps.engine, opts.caPem ?? '');
  registerAccessRoutes(app, deps.engine, opts.caPem ?? '');
  registerFailoverRoutes(app, deps.engine);
  return app;
}
