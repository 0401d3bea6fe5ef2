import type { Metadata, ServerUnaryCall, UntypedServiceImplementation } from '@grpc/grpc-js';
import { ValidationError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/logger.ts';
import type { Engine } from '../engine/engine.ts';
import type { AdminAuthorizer } from '../engine/admin-authorizer.ts';
import { bearerToken, type CallGuard } from './call-auth.ts';
import { unary } from './unary.ts';

interface Ref {
  kind: string;
  namespace: string;
  name: string;
}

function parseLabelsJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ValidationError('labels_json', `not JSON: ${(err as Error).message}`);
  }
}

/** AdminService: the REST operations over gRPC. Every call passes the admin authorizer first. */
export function createAdminService(deps: {
  engine: Engine;
  log: Logger;
  authorize: AdminAuthorizer;
  guard: CallGuard;
  /** Handed out with bootstrap tokens and by GetCa; '' without one. */
  caPem: string;
}): UntypedServiceImplementation {
  const { engine, log, authorize, guard, caPem } = deps;
  const admin = <Req, Res>(method: string, fn: (req: Req) => Res) =>
    unary<Req, Res>(log, (call: ServerUnaryCall<Req, Res>) => {
      guard(call);
      authorize(bearerToken(call.metadata as Metadata), `AdminService/${method}`);
      return fn(call.request);
    });
  return {
    Apply: admin('Apply', (req: { documents: string; dryRun: boolean }) => ({
      results: engine.apply(req.documents, { dryRun: req.dryRun }),
    })),
    Get: admin('Get', (req: Ref) => ({ objectJson: JSON.stringify(engine.get(req)) })),
    List: admin('List', (req: { kind: string; namespace: string; labelSelector: string }) => ({
      objectsJson: engine.list(req).map((o) => JSON.stringify(o)),
    })),
    Delete: admin('Delete', (req: Ref) => {
      engine.delete(req);
      return { deleted: true };
    }),
    ListClusters: admin('ListClusters', (req: { labelSelector: string }) => ({
      clustersJson: engine.listClusters(req.labelSelector).map((c) => JSON.stringify(c)),
    })),
    GetCluster: admin('GetCluster', (req: { name: string }) => ({
      clusterJson: JSON.stringify(engine.getCluster(req.name)),
    })),
    LabelCluster: admin('LabelCluster', (req: { name: string; labelsJson: string; overwrite: boolean }) => ({
      clusterJson: JSON.stringify(
        engine.labelCluster(req.name, parseLabelsJson(req.labelsJson), req.overwrite),
      ),
    })),
    CreateBootstrapToken: admin(
      'CreateBootstrapToken',
      (req: { ttlMs: number; maxUses: number; description: string }) => ({
        ...engine.createBootstrapToken({
          ttlMs: req.ttlMs,
          maxUses: req.maxUses,
          description: req.description,
        }),
        caPem,
      }),
    ),
    RevokeCluster: admin('RevokeCluster', (req: { name: string }) => ({
      clusterJson: JSON.stringify(engine.revokeCluster(req.name)),
    })),
    DeleteCluster: admin('DeleteCluster', (req: { name: string }) => {
      engine.deleteCluster(req.name);
      return { deleted: true };
    }),
    CreateAdminToken: admin('CreateAdminToken', (req: { role: string; description: string }) =>
      engine.createAdminToken({ role: req.role || undefined, description: req.description }),
    ),
    ListAdminTokens: admin('ListAdminTokens', () => ({
      tokensJson: engine.listAdminTokens().map((t) => JSON.stringify(t)),
    })),
    RevokeAdminToken: admin('RevokeAdminToken', (req: { id: string }) => ({
      tokenJson: JSON.stringify(engine.revokeAdminToken(req.id)),
    })),
    GetCa: admin('GetCa', () => ({ caPem })),
  };
}
