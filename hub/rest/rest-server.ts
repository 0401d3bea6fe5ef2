import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from '../../shared/logger.ts';
import { parseBearer, type AdminAuthorizer } from '../engine/admin-authorizer.ts';
import type { Engine } from '../engine/engine.ts';
import { RateLimitedError, type RateLimiter } from '../guard/rate-limiter.ts';
import { registerAccessRoutes } from './access-routes.ts';
import { registerClusterRoutes } from './cluster-routes.ts';
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
  app.get('/readyz', async (_req, reply) => {
    if (!deps.isReady()) reply.code(503);
    return { status: deps.isReady() ? 'ok' : 'stopping' };
  });
  registerResourceRoutes(app, deps.engine);
  registerClusterRoutes(app, deps.engine, opts.caPem ?? '');
  registerAccessRoutes(app, deps.engine, opts.caPem ?? '');
  return app;
}
