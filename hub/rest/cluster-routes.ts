import type { FastifyInstance } from 'fastify';
import type { Engine } from '../engine/engine.ts';

const JSON_TYPES = ['application/json', 'application/merge-patch+json'];

/** Clusters: list, get, label; and bootstrap tokens for registering new ones. */
export function registerClusterRoutes(app: FastifyInstance, engine: Engine, caPem: string): void {
  app.get<{ Querystring: { labelSelector?: string } }>('/apis/v1/clusters', async (req) => ({
    kind: 'ClusterList',
    items: engine.listClusters(req.query.labelSelector),
  }));
  app.get<{ Params: { name: string } }>('/apis/v1/clusters/:name', async (req) =>
    engine.getCluster(req.params.name),
  );

  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      JSON_TYPES,
      { parseAs: 'string' },
      scope.getDefaultJsonParser('error', 'error'),
    );
    // Merge semantics: a string sets the label, null removes it, absent labels stay.
    scope.patch<{ Params: { name: string }; Querystring: { overwrite?: string }; Body: unknown }>(
      '/apis/v1/clusters/:name/labels',
      async (req) => engine.labelCluster(req.params.name, req.body, req.query.overwrite !== 'false'),
    );
    scope.post<{ Body: { ttlMs?: number; maxUses?: number; description?: string } | undefined }>(
      '/apis/v1/bootstrap-tokens',
      async (req, reply) => {
        const body = req.body ?? {};
        reply.code(201);
        // The CA travels with the token: what an agent needs to verify the hub it registers with.
        return {
          ...engine.createBootstrapToken({
            ttlMs: body.ttlMs,
            maxUses: body.maxUses,
            description: body.description,
          }),
          caPem,
        };
      },
    );
  });
}
