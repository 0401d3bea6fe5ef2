import type { Metadata, UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Logger } from '../../shared/logger.ts';
import type { Engine } from '../engine/engine.ts';
import type { HeartbeatRequestMsg, RegisterRequestMsg, StatusReportMsg } from './agent-wire.ts';
import { toFactsRecord } from './agent-wire.ts';
import { bearerToken } from './call-auth.ts';
import type { ChunkLimits } from './chunk-slice.ts';
import { handleSync, type StreamRegistry } from './sync-stream.ts';
import { unary } from './unary.ts';

/** AgentService: registration, the Sync stream, status reports and heartbeats. */
export function createAgentService(deps: {
  engine: Engine;
  log: Logger;
  chunk: ChunkLimits;
  streams: StreamRegistry;
}): UntypedServiceImplementation {
  const { engine, log } = deps;
  const authenticated = (metadata: Metadata, clusterName: string) => {
    const cluster = engine.authenticateCluster(bearerToken(metadata));
    engine.requireSameCluster(cluster, clusterName);
    return cluster;
  };
  return {
    Register: unary(log, (call: { request: RegisterRequestMsg; metadata: Metadata }) => {
      const req = call.request;
      return engine.register({
        clusterName: req.clusterName,
        labels: { ...req.labels },
        facts: toFactsRecord(req.facts),
        bootstrapToken: req.bootstrapToken,
        credential: bearerToken(call.metadata),
      });
    }),
    Sync: handleSync(deps),
    ReportStatus: unary(log, (call: { request: StatusReportMsg; metadata: Metadata }) => {
      const req = call.request;
      const cluster = authenticated(call.metadata, req.clusterName);
      const out = engine.reportStatus(cluster, {
        appliedRevision: req.appliedRevision,
        objects: req.objects,
        removed: req.removed,
      });
      return { appliedRevision: out.appliedRevision };
    }),
    Heartbeat: unary(log, (call: { request: HeartbeatRequestMsg; metadata: Metadata }) => {
      const req = call.request;
      const cluster = authenticated(call.metadata, req.clusterName);
      const receivedAtMs = engine.heartbeat(cluster, {
        health: req.health,
        message: req.message,
        facts: toFactsRecord(req.facts),
        appliedRevision: req.appliedRevision,
      });
      return { hubId: engine.hubId(), heartbeatIntervalMs: engine.heartbeatIntervalMs(), receivedAtMs };
    }),
  };
}
