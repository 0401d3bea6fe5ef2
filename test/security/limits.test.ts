// Pins the hub's limits on hostile clients: per-client rate limits (429 with Retry-After, RESOURCE_EXHAUSTED) that keep clients apart, body and message size limits, documents per request, and a time limit on slow requests; each refusal changes nothing.
import tls from 'node:tls';
import { status as grpcStatus } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../hub/support/hub-fixture.ts';
import { dumpDatabase, registerOverWire } from './support.ts';

let t: TestHub | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const cm = (i: number) => `---
apiVersion: types.kubefed.io/v1beta1
kind: FederatedConfigMap
metadata: {name: c${i}, namespace: web}
spec: {template: {data: {k: v}}, placement: {clusters: []}}
`;

describe('rate limits', () => {
  it('answer REST 429 with Retry-After once a client spent its burst, and keep other clients apart', async () => {
    t = await startTestHub({ tls: true, argv: ['--rate-limit', '1', '--rate-limit-burst', '5'] });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await t.http('GET', '/apis/v1/clusters')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const refused = await t.http('GET', '/apis/v1/clusters');
    expect(refused).toMatchObject({ status: 429, body: { reason: 'TooManyRequests' } });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Another identity (a read-only token) has its own bucket.
    const ro = t.hub.engine.createAdminToken({ role: 'read-only' }).token;
    expect(
      (await t.http('GET', '/apis/v1/clusters', undefined, undefined, { authorization: `Bearer ${ro}` }))
        .status,
    ).toBe(200);
  });

  it('answer gRPC RESOURCE_EXHAUSTED per cluster credential', async () => {
    t = await startTestHub({ tls: true, argv: ['--rate-limit', '1', '--rate-limit-burst', '4'] });
    const agent = t.grpc('AgentService');
    const credential = await registerOverWire(t.hub.engine, agent, 'busy');
    const codes: Array<number | 'ok'> = [];
    for (let i = 0; i < 5; i++) {
      codes.push(
        await agent.call('Heartbeat', { clusterName: 'busy', health: 'Healthy' }, credential).then(
          () => 'ok' as const,
          (e: { code: number }) => e.code,
        ),
      );
    }
    expect(codes).toEqual(['ok', 'ok', 'ok', 'ok', grpcStatus.RESOURCE_EXHAUSTED]);
    agent.close();
  });
});

describe('sizes', () => {
  it('refuses a REST body over the request limit with 413 and a gRPC message over the message limit with RESOURCE_EXHAUSTED', async () => {
    t = await startTestHub({
      tls: true,
      argv: [
        '--max-request-bytes',
        '64Ki',
        '--max-document-bytes',
        '32Ki',
        '--grpc-max-message-bytes',
        '128Ki',
        '--sync-chunk-bytes',
        '32Ki',
      ],
    });
    const before = dumpDatabase(t.hub.store.file);
    const big = `# ${'x'.repeat(70 * 1024)}\n${cm(1)}`;
    expect(await t.http('POST', '/apis/v1/apply', big)).toMatchObject({
      status: 413,
      body: { reason: 'RequestEntityTooLarge' },
    });
    const admin = t.grpc('AdminService');
    await expect(admin.call('Apply', { documents: 'x'.repeat(200 * 1024) })).rejects.toMatchObject({
      code: grpcStatus.RESOURCE_EXHAUSTED,
    });
    admin.close();
    expect(dumpDatabase(t.hub.store.file)).toEqual(before);
  });

  it('refuses more documents than allowed in one request with 413 naming the limit', async () => {
    t = await startTestHub({ tls: true, argv: ['--max-documents', '3'] });
    const before = dumpDatabase(t.hub.store.file);
    const res = await t.http('POST', '/apis/v1/apply', [1, 2, 3, 4].map(cm).join(''));
    expect(res).toMatchObject({
      status: 413,
      body: { message: expect.stringMatching(/more than 3 documents/) },
    });
    expect(dumpDatabase(t.hub.store.file)).toEqual(before);
  });
});

describe('time limits', () => {
  it('cuts a request whose body stalls, within the request timeout, storing nothing', async () => {
    t = await startTestHub({ tls: true, argv: ['--request-timeout', '1s'] });
    const hub = t;
    const before = dumpDatabase(t.hub.store.file);
    const started = Date.now();
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = tls.connect({
        host: '127.0.0.1',
        port: hub.hub.httpPort,
        ca: hub.hub.caPem,
        servername: 'localhost',
      });
      let text = '';
      socket.on('secureConnect', () => {
        // Announce a body, then send only part of it and stall.
        socket.write(
          `POST /apis/v1/apply HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${hub.adminToken}\r\nContent-Type: application/yaml\r\nContent-Length: 1000\r\n\r\nkind: x\n`,
        );
      });
      socket.on('data', (b: Buffer) => (text += b.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
      setTimeout(() => reject(new Error('no answer within 10 s')), 10_000).unref();
    });
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(5000);
    // The idle-socket timeout closes it (no answer), or the request timer answers 408 first.
    if (answer !== '') expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(dumpDatabase(t.hub.store.file)).toEqual(before);
  });
});
