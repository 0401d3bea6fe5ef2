import type { FastifyInstance } from 'fastify';
import type { Engine } from '../engine/engine.ts';

/**
 * Who may act: admin tokens (mint, list, revoke), cluster revocation and deletion, and the CA
 * that tools verify the hub with. Every route sits under /apis/ and so behind the admin authorizer;
 * minting and listing tokens need the `admin` role.
 */
export function registerAccessRoutes(app: FastifyInstance, engine: Engine, caPem: string): void {
  // Behind admin auth (not anonymous): a tool that already holds a token may fetch the CA to pin.
  app.get('/apis/v1/ca', async (_req, reply) => {
    void reply.type('application/x-pem-file');
    return caPem;
  });
  app.get('/apis/v1/admin-tokens', async () => ({
    kind: 'AdminTokenList',
    items: engine.listAdminTokens(),
  }));
  app.delete<{ Params: { id: string } }>('/apis/v1/admin-tokens/:id', async (req) =>
    engine.revokeAdminToken(req.params.id),
  );
  app.delete<{ Params: { name: string } }>('/apis/v1/clusters/:name', async (req) => {
    engine.deleteCluster(req.params.name);
    return {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Success',
      code: 200,
      details: { name: req.params.name },
    };
  });
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      'application/json',
      { parseAs: 'string' },
      scope.getDefaultJsonParser('error', 'error'),
    );
    scope.post<{ Body: unknown }>('/apis/v1/admin-tokens', async (req, reply) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const out = engine.createAdminToken({
        role: typeof body === 'object' ? body['role'] : undefined,
        description: typeof body === 'object' ? body['description'] : undefined,
      });
      reply.code(201);
      return out;
    });
    // No body needed; an empty POST is fine.
    scope.post<{ Params: { name: string } }>('/apis/v1/clusters/:name/revoke', async (req) =>
      engine.revokeCluster(req.params.name),
    );
  });
}
