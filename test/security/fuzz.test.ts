// Pins the hub against hostile input (seeded fast-check fuzzing of REST and gRPC: mutated kubefed documents, edited text, random bytes as protobuf and bodies, odd field values, wrong routes and content types): it never crashes, never answers 5xx / INTERNAL for bad input, a refused request changes no table, and after the refusal-only rounds the database equals its state before.
import https from 'node:https';
import * as grpc from '@grpc/grpc-js';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GrpcClient } from '../hub/support/grpc-clients.ts';
import { manualClock, startTestHub, type TestHub } from '../hub/support/hub-fixture.ts';
import { httpRequest, type HttpAnswer } from '../hub/support/http-client.ts';
import { assertNoSecretsInLogs } from '../support/log-scan.ts';
import { editedText, mutatedDocument, oddValue, randomBytes, sampleDocuments } from './fuzz-inputs.ts';
import { registerOverWire } from './support.ts';

/** Runs per property; raise it for a longer hunt: FEDHUB_FUZZ_RUNS=20000. */
const RUNS = Number(process.env['FEDHUB_FUZZ_RUNS'] ?? 600);
/** Reproduce a failure with FEDHUB_FUZZ_SEED=<the printed seed>. */
const SEED = Number(process.env['FEDHUB_FUZZ_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
const CLUSTERS: [string, string] = ['fuzz-member-a', 'fuzz-member-b'];

let t: TestHub;
let db: Database.Database;
let agent: GrpcClient;
let keepAlive: https.Agent;
const credentials: Record<string, string> = {};
const samples = sampleDocuments(CLUSTERS);
const counts: Record<string, number> = {};

/** Every table, as JSON: the state a refused request must leave as it was. */
function dump(): string {
  return JSON.stringify(dumpTables());
}

function dumpTables(): Record<string, unknown[]> {
  const tables = db
    .prepare<[], { name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .pluck()
    .all() as unknown as string[];
  return Object.fromEntries(
    tables.map((name) => [name, db.prepare(`SELECT * FROM "${name}" ORDER BY 1, 2`).all()]),
  );
}

/** The tables whose rows differ from a dump taken before. */
function changedTables(before: string): string[] {
  const was = JSON.parse(before) as Record<string, unknown[]>;
  const now = dumpTables();
  return Object.keys(now).filter((k) => JSON.stringify(now[k]) !== JSON.stringify(was[k]));
}

const params = (offset: number) => ({ seed: SEED + offset, numRuns: RUNS, endOnFailure: true });

function rest(req: {
  method: string;
  path: string;
  body?: string | Buffer | object;
  contentType?: string;
  auth: string;
}): Promise<HttpAnswer> {
  const headers: Record<string, string> = {};
  if (req.auth) headers['authorization'] = req.auth;
  if (req.contentType !== undefined) headers['content-type'] = req.contentType;
  return httpRequest({
    port: t.hub.httpPort,
    caPem: t.hub.caPem,
    agent: keepAlive,
    method: req.method,
    path: req.path,
    body: req.body,
    headers,
  });
}

/** One request and the invariants every answer keeps; returns the status. */
async function checkedRest(req: Parameters<typeof rest>[0], label: string): Promise<number> {
  const before = dump();
  let res: HttpAnswer;
  try {
    res = await rest(req);
  } catch (err) {
    // Node's HTTP parser refused the exchange itself (e.g. a malformed request answered and the
    // connection closed): a refusal at the connection level, which must change nothing either.
    const code = (err as { code?: string }).code ?? '';
    if (!/^HPE_|^ECONNRESET$/.test(code)) throw err;
    counts[`${label}-connection-refused`] = (counts[`${label}-connection-refused`] ?? 0) + 1;
    if (dump() !== before) throw new Error(`${req.method} ${req.path} was refused but changed state`);
    return 400;
  }
  counts[label] = (counts[label] ?? 0) + 1;
  if (res.status >= 500) throw new Error(`${req.method} ${req.path} answered ${res.status}: ${res.text}`);
  if (res.status >= 400) {
    if (req.method !== 'HEAD')
      expect(res.body).toMatchObject({ kind: 'Status', code: res.status, message: expect.any(String) });
    if (dump() !== before)
      throw new Error(`${req.method} ${req.path} answered ${res.status} but changed state`);
  }
  return res.status;
}

const authOf = (which: 'admin' | 'none' | 'garbage' | 'cluster') =>
  which === 'admin'
    ? `Bearer ${t.adminToken}`
    : which === 'cluster'
      ? `Bearer ${credentials[CLUSTERS[0]]}`
      : which === 'garbage'
        ? 'Bearer \u00ff\u0000junk'.replace(/[^\x20-\x7e]/g, '?')
        : '';

beforeAll(async () => {
  t = await startTestHub({
    tls: true,
    captureLogs: true,
    // Frozen time: nothing changes state on its own (heartbeat grace, health ticks) while requests are compared.
    clock: manualClock(Date.now()),
    argv: [
      '--max-request-bytes',
      '256Ki',
      '--max-document-bytes',
      '128Ki',
      '--grpc-max-message-bytes',
      '1Mi',
      '--sync-chunk-bytes',
      '256Ki',
      '--max-documents',
      '50',
    ],
  });
  db = new Database(t.hub.store.file, { readonly: true });
  keepAlive = new https.Agent({ keepAlive: true, maxSockets: 4 });
  agent = t.grpc('AgentService');
  for (const c of CLUSTERS) credentials[c] = await registerOverWire(t.hub.engine, agent, c);
  for (const doc of samples) t.hub.engine.apply(doc);
  console.log(`[fuzz] seed=${SEED} runs per property=${RUNS} (reproduce: FEDHUB_FUZZ_SEED=${SEED})`);
});
afterAll(async () => {
  console.log(`[fuzz] requests: ${JSON.stringify(counts)}`);
  agent.close();
  keepAlive.destroy();
  db.close();
  await t.close();
});

describe('fuzzing REST', () => {
  it('mutated kubefed documents are answered below 500, and a refusal changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedDocument(samples), fc.boolean(), async (doc, dryRun) => {
        await checkedRest(
          {
            method: 'POST',
            path: `/apis/v1/apply${dryRun ? '?dryRun=true' : ''}`,
            body: doc.text,
            contentType: doc.format === 'json' ? 'application/json' : 'application/yaml',
            auth: authOf('admin'),
          },
          'rest-mutated-document',
        );
      }),
      params(1),
    );
  });

  it('edited document text and random bytes are refused without a change', async () => {
    const start = dump();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(editedText(samples), randomBytes),
        fc.constantFrom('application/yaml', 'application/json', 'text/plain', 'application/octet-stream'),
        async (body, contentType) => {
          await checkedRest(
            { method: 'POST', path: '/apis/v1/apply?dryRun=true', body, contentType, auth: authOf('admin') },
            'rest-edited-or-bytes',
          );
        },
      ),
      params(2),
    );
    expect(dump()).toBe(start);
  });

  it('any method on any route with odd segments, queries, bodies and credentials stays below 500', async () => {
    const segment = fc.oneof(
      fc.string({ maxLength: 20 }),
      oddValue.map((v) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? 'null')).slice(0, 300)),
      fc.constantFrom('..', '%', '%zz', '%00', '_', 'FederatedSecret', CLUSTERS[1]),
    );
    const route = fc.constantFrom(
      '/apis/v1/apply',
      '/apis/v1/resources',
      '/apis/v1/resources/{}/{}/{}',
      '/apis/v1/clusters',
      '/apis/v1/clusters/{}',
      '/apis/v1/clusters/{}/labels',
      '/apis/v1/clusters/{}/revoke',
      '/apis/v1/bootstrap-tokens',
      '/apis/v1/admin-tokens',
      '/apis/v1/admin-tokens/{}',
      '/apis/v1/ca',
      '/apis/{}',
      '/healthz',
      '/{}',
    );
    const toPath = (template: string, segs: string[], query: string) => {
      let i = 0;
      const p = template.replace(/\{\}/g, () => {
        const s = segs[i++ % segs.length] ?? '';
        // Raw when printable ASCII without separators, so odd escapes reach the router as sent.
        if (/^[\x21-\x7e]*$/.test(s) && !/[/?#]/.test(s)) return s;
        // Percent-encode the UTF-8 bytes (a lone surrogate becomes U+FFFD, as a client would send it).
        return [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
      });
      return p + (query ? `?${query}` : '');
    };
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'),
          route,
          segs: fc.array(segment, { minLength: 3, maxLength: 3 }),
          query: fc.oneof(
            fc.constant(''),
            fc.constantFrom(
              'dryRun=true',
              'labelSelector=a%20in%20(',
              'labelSelector=%ZZ',
              'overwrite=maybe',
            ),
            fc.string({ maxLength: 30 }).map((q) => Buffer.from(q).toString('base64url')),
          ),
          body: fc.oneof(
            fc.constant(undefined),
            oddValue.map((v) => JSON.stringify(v) ?? 'null'),
            randomBytes,
          ),
          contentType: fc.constantFrom(
            'application/json',
            'application/merge-patch+json',
            'application/yaml',
            'text/plain',
            'application/x-www-form-urlencoded',
            'multipart/form-data; boundary=x',
            'application/json; charset=utf-16',
            '',
          ),
          auth: fc.constantFrom<'admin' | 'none' | 'garbage' | 'cluster'>(
            'admin',
            'none',
            'garbage',
            'cluster',
          ),
        }),
        async (r) => {
          const path = toPath(r.route, r.segs, r.query);
          await checkedRest(
            {
              method: r.method,
              path,
              body: r.method === 'GET' || r.method === 'HEAD' ? undefined : r.body,
              contentType: r.body === undefined ? undefined : r.contentType,
              auth: authOf(r.auth),
            },
            'rest-route',
          );
        },
      ),
      params(3),
    );
  });
});

type Status = { code: number; details: string };

/** A raw unary or server-streaming call with arbitrary request bytes. */
function rawCall(
  path: string,
  bytes: Buffer,
  credential: string | undefined,
  streaming: boolean,
): Promise<Status> {
  const client = new grpc.Client(
    `127.0.0.1:${t.hub.grpcPort}`,
    grpc.credentials.createSsl(Buffer.from(t.hub.caPem)),
    { 'grpc.ssl_target_name_override': 'localhost', 'grpc.default_authority': 'localhost' },
  );
  const md = new grpc.Metadata();
  if (credential) md.set('authorization', `Bearer ${credential}`);
  const id = (b: Buffer) => b;
  return new Promise<Status>((resolve) => {
    const finish = (s: Status) => {
      client.close();
      resolve(s);
    };
    if (streaming) {
      const call = client.makeServerStreamRequest(path, id, id, bytes, md, {});
      // A request that decodes to a valid one opens a live stream: seeing data is enough.
      call.on('data', () => call.cancel());
      call.on('error', (e: grpc.ServiceError) => finish({ code: e.code, details: e.details }));
      call.on('status', (s: grpc.StatusObject) => finish({ code: s.code, details: s.details }));
    } else {
      client.makeUnaryRequest(path, id, id, bytes, md, {}, (err) =>
        finish(err ? { code: err.code, details: err.details } : { code: grpc.status.OK, details: '' }),
      );
    }
  });
}

const METHODS = [
  ...['Register', 'Sync', 'ReportStatus', 'Heartbeat', 'RotateCredential'].map((m) => `AgentService/${m}`),
  ...[
    'Apply',
    'Get',
    'List',
    'Delete',
    'ListClusters',
    'GetCluster',
    'LabelCluster',
    'CreateBootstrapToken',
    'RevokeCluster',
    'DeleteCluster',
    'CreateAdminToken',
    'ListAdminTokens',
    'RevokeAdminToken',
    'GetCa',
  ].map((m) => `AdminService/${m}`),
];
const SERVER_FAULTS = new Set([grpc.status.INTERNAL, grpc.status.UNKNOWN, grpc.status.DATA_LOSS]);

describe('fuzzing gRPC', () => {
  it('random bytes as protobuf to every method are INVALID_ARGUMENT or refused, never INTERNAL, and change nothing', async () => {
    const start = dump();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...METHODS),
        randomBytes.filter((b) => b.length > 0),
        fc.constantFrom<'none' | 'admin' | 'cluster'>('none', 'admin', 'cluster'),
        async (method, bytes, who) => {
          // Read-only credentials for the agent side: a cluster credential cannot rotate or write for another cluster by accident.
          const credential =
            who === 'admin' ? t.adminToken : who === 'cluster' ? credentials[CLUSTERS[1]] : undefined;
          if (method.endsWith('RotateCredential') && who === 'cluster') return;
          const before = dump();
          const s = await rawCall(`/fedhub.v1.${method}`, bytes, credential, method.endsWith('/Sync'));
          counts['grpc-random-bytes'] = (counts['grpc-random-bytes'] ?? 0) + 1;
          if (SERVER_FAULTS.has(s.code)) throw new Error(`${method} answered ${s.code}: ${s.details}`);
          if (s.code !== grpc.status.OK && s.code !== grpc.status.CANCELLED && dump() !== before) {
            throw new Error(`${method} refused (${s.code}) but changed ${changedTables(before).join(', ')}`);
          }
        },
      ),
      params(4),
    );
    // Random bytes rarely decode to a valid write; when they did, the per-call check above held.
    if (dump() !== start) console.log('[fuzz] some random protobuf decoded to an accepted call');
  });

  it('well-typed agent messages with odd values are refused with INVALID_ARGUMENT or accepted, never INTERNAL', async () => {
    const text = fc.oneof(
      fc.string({ maxLength: 30 }),
      oddValue.map((v) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? 'null'))),
    );
    const num = fc.oneof(fc.integer(), fc.constantFrom(-1, 2 ** 31 - 1, -(2 ** 31), 2 ** 53, -(2 ** 53), 0));
    const objectStatus = fc.record({
      key: fc.oneof(text, fc.constant('core/ConfigMap/test-namespace/test-configmap')),
      status: fc.oneof(text, fc.constantFrom('Ok', 'CreationFailed', 'AlreadyExists')),
      message: text,
      revision: num,
      generation: num,
      observedGeneration: num,
      replicas: num,
      readyReplicas: num,
      health: fc.oneof(text, fc.constantFrom('Healthy', 'Degraded')),
      conditions: fc.array(
        fc.record({ type: text, status: text, reason: text, message: text, lastTransitionTime: text }),
        { maxLength: 3 },
      ),
      driftCorrections: fc.nat(),
      unschedulableReplicas: num,
      unschedulableSinceMs: num,
    });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('ReportStatus', 'Heartbeat', 'Register', 'Sync'),
        fc.record({
          clusterName: fc.oneof(fc.constant(CLUSTERS[0]), text),
          appliedRevision: num,
          sinceRevision: num,
          hubId: text,
          health: fc.oneof(text, fc.constantFrom('Healthy', 'Unhealthy')),
          message: text,
          objects: fc.array(objectStatus, { maxLength: 3 }),
          removed: fc.array(text, { maxLength: 3 }),
          labels: fc.dictionary(text, text, { maxKeys: 3 }),
          facts: fc.record({
            kubernetesVersion: text,
            nodeCount: num,
            allocatable: fc.dictionary(text, text),
          }),
          bootstrapToken: text,
        }),
        async (method, req) => {
          const before = dump();
          let code: number = grpc.status.OK;
          let details = '';
          try {
            if (method === 'Sync') {
              const s = agent.stream('Sync', req, credentials[CLUSTERS[0]]);
              code = await new Promise<number>((resolve) => {
                s.on('data', () => {
                  s.cancel();
                  resolve(grpc.status.OK);
                });
                s.on('error', (e: grpc.ServiceError) => {
                  details = e.details;
                  resolve(e.code);
                });
              });
            } else await agent.call(method, req, credentials[CLUSTERS[0]]);
          } catch (err) {
            const e = err as grpc.ServiceError;
            // The client could not encode it (a value protobuf cannot carry): nothing was sent.
            if (e.code === undefined) return;
            code = e.code;
            details = e.details;
          }
          counts['grpc-typed-agent'] = (counts['grpc-typed-agent'] ?? 0) + 1;
          if (SERVER_FAULTS.has(code)) throw new Error(`${method} answered ${code}: ${details}`);
          if (code !== grpc.status.OK && code !== grpc.status.CANCELLED && dump() !== before) {
            throw new Error(
              `${method} refused (${code}: ${details}) but changed ${changedTables(before).join(', ')}`,
            );
          }
        },
      ),
      params(5),
    );
  });
});

describe('fuzzing the admin gRPC API', () => {
  it('well-typed admin calls with odd values and mutated documents are refused or accepted, never INTERNAL; a refusal changes nothing', async () => {
    const admin = t.grpc('AdminService');
    const text = fc
      .oneof(
        fc.string({ maxLength: 30 }),
        oddValue.map((v) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? 'null'))),
      )
      .filter((s) => !CLUSTERS.includes(s));
    const num = fc.oneof(fc.integer(), fc.constantFrom(-1, 0, 2 ** 31 - 1, 2 ** 53, -(2 ** 53)));
    const call = fc.oneof(
      mutatedDocument(samples).map(
        (d) => ['Apply', { documents: d.text, dryRun: d.text.length % 2 === 0 }] as const,
      ),
      fc.record({ kind: text, namespace: text, name: text }).map((r) => ['Get', r] as const),
      fc.record({ kind: text, namespace: text, labelSelector: text }).map((r) => ['List', r] as const),
      fc.record({ kind: text, namespace: text, name: text }).map((r) => ['Delete', r] as const),
      fc.record({ labelSelector: text }).map((r) => ['ListClusters', r] as const),
      fc
        .record({
          name: fc.oneof(fc.constant(CLUSTERS[1]), text),
          labelsJson: fc.oneof(
            text,
            oddValue.map((v) => JSON.stringify(v) ?? 'null'),
          ),
          overwrite: fc.boolean(),
        })
        .map((r) => ['LabelCluster', r] as const),
      fc
        .record({ ttlMs: num, maxUses: num, description: text })
        .map((r) => ['CreateBootstrapToken', r] as const),
      fc
        .record({
          role: fc.oneof(text, fc.constantFrom('admin', 'read-only', 'Admin', 'root')),
          description: text,
        })
        .map((r) => ['CreateAdminToken', r] as const),
      fc.record({ id: text }).map((r) => ['RevokeAdminToken', r] as const),
      fc.record({ name: text }).map((r) => ['RevokeCluster', r] as const),
      fc.record({ name: text }).map((r) => ['DeleteCluster', r] as const),
    );
    await fc.assert(
      fc.asyncProperty(call, async ([method, req]) => {
        const before = dump();
        let code: number = grpc.status.OK;
        let details = '';
        try {
          await admin.call(method, req);
        } catch (err) {
          const e = err as grpc.ServiceError;
          if (e.code === undefined) return; // not encodable: nothing was sent
          code = e.code;
          details = e.details;
        }
        counts['grpc-typed-admin'] = (counts['grpc-typed-admin'] ?? 0) + 1;
        if (SERVER_FAULTS.has(code)) throw new Error(`${method} answered ${code}: ${details}`);
        if (code !== grpc.status.OK && dump() !== before) {
          throw new Error(
            `${method} refused (${code}: ${details}) but changed ${changedTables(before).join(', ')}`,
          );
        }
      }),
      params(6),
    );
    admin.close();
  });
});

describe('after the fuzzing', () => {
  it('the hub still runs, serves a valid request, and logged no token, credential or Secret value', async () => {
    expect(t.hub.lifecycle()).toBe('Running');
    expect((await t.http('GET', '/readyz')).status).toBe(200);
    const res = await t.http('POST', '/apis/v1/apply?dryRun=true', samples[0]!);
    expect(res.status).toBe(200);
    assertNoSecretsInLogs(t.logs.text(), [
      t.adminToken,
      ...Object.values(credentials),
      'ala ma kota', // the sample FederatedSecret's value
    ]);
    expect(t.logs.text().length).toBeGreaterThan(0);
  });
});
