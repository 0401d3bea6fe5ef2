import type { Metadata, UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Logger } from '../../shared/logger.ts';
import type { Engine } from '../engine/engine.ts';
import type { HeartbeatRequestMsg, RegisterRequestMsg, StatusReportMsg } from './agent-wire.ts';
import { toFactsRecord } from './agent-wire.ts';
import { bearerToken, type CallGuard } from './call-auth.ts';
import type { ChunkLimits } from './chunk-slice.ts';
import { handleSync, type StreamRegistry } from './sync-stream.ts';
import { unary } from './unary.ts';

/** AgentService: registration, the Sync stream, status reports and heartbeats. */
export function createAgentService(deps: {
  engine: Engine;
  log: Logger;
  chunk: ChunkLimits;
  streams: StreamRegistry;
  guard: CallGuard;
}): UntypedServiceImplementation {
  const { engine, log, guard } = deps;
  type Call<Req> = { request: Req; metadata: Metadata; getPeer(): string };
  const authenticated = (call: Call<{ clusterName: string }>) => {
    guard(call);
    const cluster = engine.authenticateCluster(bearerToken(call.metadata));
    engine.requireSameCluster(cluster, call.request.clusterName);
    return cluster;
  };
  return {
    Register: unary(log, (call: Call<RegisterRequestMsg>) => {
      guard(call);
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
    ReportStatus: unary(log, (call: Call<StatusReportMsg>) => {
      const req = call.request;
      const cluster = authenticated(call);
      const out = engine.reportStatus(cluster, {
        appliedRevision: req.appliedRevision,
        objects: req.objects,
        removed: req.removed,
      });
      return { appliedRevision: out.appliedRevision };
    }),
    Heartbeat: unary(log, (call: Call<HeartbeatRequestMsg>) => {
      const req = call.request;
      const cluster = authenticated(call);
      const receivedAtMs = engine.heartbeat(cluster, {
        health: req.health,
        message: req.message,
        facts: toFactsRecord(req.facts),
        appliedRevision: req.appliedRevision,
      });
      return { hubId: engine.hubId(), heartbeatIntervalMs: engine.heartbeatIntervalMs(), receivedAtMs };
    }),
    RotateCredential: unary(log, (call: Call<{ clusterName: string }>) => {
      const cluster = authenticated(call);
      const { credential } = engine.rotateCredential(cluster, bearerToken(call.metadata)!);
      return { clusterName: cluster.name, credential };
    }),
  };
}
