// Pins the single admin-authorization hook: REST and AdminService both pass it before any handler; agent calls do not.
import { status as grpcStatus } from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UnauthenticatedError } from '../../shared/errors.ts';
import { grpcClient, type GrpcClient } from '../../test/hub/support/grpc-clients.ts';
import { startTestHub, type TestHub } from '../../test/hub/support/hub-fixture.ts';

let t: TestHub;
let admin: GrpcClient;
const seen: string[] = [];

beforeEach(async () => {
  seen.length = 0;
  t = await startTestHub({
    authorizeAdmin: (token, operation) => {
      seen.push(operation);
      if (token !== 'let-me-in') throw new UnauthenticatedError('admin token required');
    },
  });
  admin = grpcClient('AdminService', t.hub.grpcPort);
});
afterEach(async () => {
  admin.close();
  await t.close();
});

describe('admin authorization hook', () => {
  it.each([
    ['without a token', undefined, 401],
    ['with the right token', 'let-me-in', 200],
  ])('answers REST %s accordingly', async (_name, token, code) => {
    const headers: Record<string, string> = { authorization: token ? `Bearer ${token}` : '' };
    const res = await t.http('GET', '/apis/v1/clusters', undefined, undefined, headers);
    expect(res.status).toBe(code);
    expect(seen).toEqual(['GET /apis/v1/clusters']);
  });

  it('refuses AdminService calls without the token and lets them through with it', async () => {
    await expect(admin.call('ListClusters', {})).rejects.toMatchObject({ code: grpcStatus.UNAUTHENTICATED });
    await expect(admin.call('ListClusters', {}, 'let-me-in')).resolves.toEqual({ clustersJson: [] });
    expect(seen).toEqual(['AdminService/ListClusters', 'AdminService/ListClusters']);
  });

  it('leaves health endpoints and agent calls alone', async () => {
    expect((await t.http('GET', '/healthz')).status).toBe(200);
    const agent = grpcClient('AgentService', t.hub.grpcPort);
    await expect(agent.call('Heartbeat', { clusterName: 'a' })).rejects.toMatchObject({
      code: grpcStatus.UNAUTHENTICATED,
      details: expect.stringMatching(/credential/),
    });
    agent.close();
    expect(seen).toEqual([]);
  });
});
