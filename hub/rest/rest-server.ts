import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from '../../shared/logger.ts';
import { parseBearer, type AdminAuthorizer } from '../engine/admin-authorizer.ts';
import type { Engine } from '../engine/engine.ts';
import { registerClusterRoutes } from './cluster-routes.ts';
import { registerResourceRoutes } from './resource-routes.ts';
import { toHttpError } from './to-http-error.ts';

export interface RestServerOptions {
  /** Largest request body; larger is 413. */
  maxRequestBytes: number;
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
  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    bodyLimit: opts.maxRequestBytes,
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.setErrorHandler((err, _req, reply) => {
    const body = toHttpError(err, log);
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
    if (req.url.startsWith('/apis/')) {
      deps.authorizeAdmin(
        parseBearer(req.headers.authorization),
        `${req.method} ${req.routeOptions.url ?? req.url}`,
      );
    }
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    if (!deps.isReady()) reply.code(503);
    return { status: deps.isReady() ? 'ok' : 'stopping' };
  });
  registerResourceRoutes(app, deps.engine);
  registerClusterRoutes(app, deps.engine);
  return app;
}
