import type { FastifyInstance } from 'fastify';
import type { Engine } from '../engine/engine.ts';

/** Content types a submission may use; the body reaches the engine as text either way. */
export const SUBMISSION_TYPES = [
  'application/yaml',
  'application/x-yaml',
  'text/yaml',
  'text/plain',
  'application/json',
];

interface RefParams {
  kind: string;
  namespace: string;
  name: string;
}

/** `_` in the path names the empty namespace of a cluster-scoped resource. */
const toRef = (p: RefParams) => ({
  kind: p.kind,
  namespace: p.namespace === '_' ? '' : p.namespace,
  name: p.name,
});

/** Apply, list, get and delete federated resources (kubectl-like). */
export function registerResourceRoutes(app: FastifyInstance, engine: Engine): void {
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(SUBMISSION_TYPES, { parseAs: 'string' }, (_req, body, done) =>
      done(null, body),
    );
    scope.post<{ Querystring: { dryRun?: string }; Body: string }>('/apis/v1/apply', async (req) => {
      const dryRun = req.query.dryRun === 'true';
      const results = engine.apply(typeof req.body === 'string' ? req.body : '', { dryRun });
      return { kind: 'ApplyResult', dryRun, results };
    });
  });

  app.get<{ Querystring: { kind?: string; namespace?: string; labelSelector?: string } }>(
    '/apis/v1/resources',
    async (req) => ({ kind: 'List', items: engine.list(req.query) }),
  );
  app.get<{ Params: RefParams }>('/apis/v1/resources/:kind/:namespace/:name', async (req) =>
    engine.get(toRef(req.params)),
  );
  app.delete<{ Params: RefParams }>('/apis/v1/resources/:kind/:namespace/:name', async (req) => {
    const ref = toRef(req.params);
    engine.delete(ref);
    return { kind: 'Status', apiVersion: 'v1', status: 'Success', code: 200, details: ref };
  });
}
