import type { FastifyInstance } from 'fastify';
import { NotFoundError, ValidationError } from '../../shared/errors.ts';
import type { Engine } from '../engine/engine.ts';

/** Events (cluster transitions, failovers, failbacks) and the manual failback of a workload. */
export function registerFailoverRoutes(app: FastifyInstance, engine: Engine): void {
  app.get<{ Querystring: { object?: string; limit?: string } }>('/apis/v1/events', async (req) => {
    const raw = req.query.limit ?? '100';
    const limit = Number(raw);
    if (!/^\d+$/.test(raw) || limit < 1 || limit > 1000)
      throw new ValidationError('limit', 'must be a whole number from 1 to 1000');
    const items = engine.events(req.query.object || undefined, limit).map((e) => ({
      ...e,
      time: new Date(e.at).toISOString(),
    }));
    return { kind: 'EventList', items };
  });

  app.post<{ Params: { namespace: string; name: string }; Body: { cluster?: unknown } | undefined }>(
    '/apis/v1/resources/ReplicaSchedulingPreference/:namespace/:name/failback',
    async (req) => {
      const cluster = req.body?.cluster;
      if (cluster !== undefined) {
        if (typeof cluster !== 'string') throw new ValidationError('cluster', 'must be a cluster name');
        // Approval is per workload; naming a cluster checks that it is one the hub knows.
        if (!engine.listClusters().some((c) => c.name === cluster))
          throw new NotFoundError(`cluster ${cluster}`);
      }
      return { kind: 'FailbackApproval', ...engine.approveFailback(req.params) };
    },
  );
}
