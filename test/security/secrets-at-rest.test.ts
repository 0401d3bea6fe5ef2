// Pins Secret data at rest: with --encryption-key-file, FederatedSecret bodies and Secret manifests in slices are sealed (AES-256-GCM, key id stored) in the database yet read and sync in clear; a missing or wrong key stops the start; keys rotate; a moved ciphertext does not open; nothing secret is logged.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/errors.ts';
import { createLogger } from '../../shared/logger.ts';
import { keyIdOf } from '../../hub/store/sealer.ts';
import { startHub, type RunningHub } from '../../hub/start-hub.ts';
import { collect, eventually, grpcClient } from '../hub/support/grpc-clients.ts';
import { testHubConfig } from '../hub/support/hub-fixture.ts';
import { httpRequest } from '../hub/support/http-client.ts';
import { assertNoSecretsInLogs, captureLogs } from '../support/log-scan.ts';
import { federatedSecret, registerOverWire } from './support.ts';

const values = {
  data: `pw-${randomBytes(9).toString('hex')}`,
  stringData: `key-${randomBytes(9).toString('hex')}`,
};
const plainForms = [values.data, Buffer.from(values.data).toString('base64'), values.stringData];

let dir: string;
let hub: RunningHub | undefined;
const logs = captureLogs();
const log = createLogger({ level: 'trace', destination: logs.destination });

function keyFile(name: string, ...keys: Buffer[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, keys.map((k) => k.toString('base64')).join('\n') + '\n', { mode: 0o600 });
  return file;
}

async function start(key: string | undefined): Promise<RunningHub> {
  const config = testHubConfig(dir, ['--insecure', ...(key ? ['--encryption-key-file', key] : [])]);
  hub = await startHub(config, { log, announceAdminToken: () => {} });
  return hub;
}

async function stop(): Promise<void> {
  await hub?.stop();
  hub = undefined;
}

/** The raw stored text of the Secret rows, read around the hub. */
function rawSecretRows(): string[] {
  const db = new Database(path.join(dir, 'fedhub.db'), { readonly: true });
  try {
    const bodies = db
      .prepare<[], { body: string }>("SELECT body FROM resources WHERE kind = 'FederatedSecret'")
      .all()
      .map((r) => r.body);
    const manifests = db
      .prepare<[], { manifest: string }>(
        "SELECT manifest FROM slice_objects WHERE key LIKE 'core/Secret/%' AND manifest IS NOT NULL",
      )
      .all()
      .map((r) => r.manifest);
    return [...bodies, ...manifests];
  } finally {
    db.close();
  }
}

const kidsOf = (rows: string[]) =>
  rows.map((r) => (JSON.parse(r) as { fedhubSealed?: { kid: string } }).fedhubSealed?.kid ?? 'plaintext');

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'fedhub-seal-'));
});
afterEach(async () => {
  await stop();
  rmSync(dir, { recursive: true, force: true });
  assertNoSecretsInLogs(logs.text(), plainForms);
});

describe('Secret data at rest', () => {
  it('is sealed in the database, yet reads in clear and reaches the agent in clear with its override', async () => {
    const key = randomBytes(32);
    const h = await start(keyFile('key', key));
    const agent = grpcClient('AgentService', h.grpcPort);
    const creds = { a: '', b: '' };
    creds.a = await registerOverWire(h.engine, agent, 'a');
    creds.b = await registerOverWire(h.engine, agent, 'b');
    h.engine.apply(federatedSecret('db', ['a', 'b'], values));
    h.engine.apply(
      'apiVersion: types.kubefed.io/v1beta1\nkind: FederatedConfigMap\nmetadata: {name: open, namespace: vault}\nspec: {template: {data: {k: visible-value}}, placement: {clusters: [{name: a}]}}\n',
    );

    const rows = rawSecretRows();
    expect(rows).toHaveLength(3);
    expect(kidsOf(rows)).toEqual([keyIdOf(key), keyIdOf(key), keyIdOf(key)]);
    for (const form of plainForms) expect(rows.join('\n')).not.toContain(form);
    expect(JSON.parse(rows[0]!)).toMatchObject({ fedhubSealed: { alg: 'AES-256-GCM', v: 1 } });
    // Other kinds stay as they were.
    const db = new Database(path.join(dir, 'fedhub.db'), { readonly: true });
    expect(
      db.prepare("SELECT body FROM resources WHERE kind = 'FederatedConfigMap'").pluck().get() as string,
    ).toContain('visible-value');
    db.close();

    const got = h.engine.get({ kind: 'FederatedSecret', namespace: 'vault', name: 'db' });
    expect(JSON.stringify(got)).toContain(values.stringData);

    const s = collect(agent.stream('Sync', { clusterName: 'a', sinceRevision: 0 }, creds.a));
    await s.until((m) => m.length > 0);
    const objects = s.messages[0]!['objects'] as Array<{ key: string; manifest: Buffer }>;
    const secret = objects.find((o) => o.key === 'core/Secret/vault/db')!;
    expect(JSON.parse(secret.manifest.toString())).toMatchObject({
      data: { password: Buffer.from(values.data).toString('base64') },
      stringData: { apiKey: `${values.stringData}-override` },
    });
    agent.close();
  });

  it.each([
    ['no key', undefined, /encryptionKeyFile: the database holds Secret data sealed with key id/],
    ['another key', 'other', /encryptionKeyFile: .* which this file cannot open/],
  ])('stops the start with a ConfigError when the hub is given %s', async (_name, which, message) => {
    const h = await start(keyFile('key', randomBytes(32)));
    h.engine.apply(federatedSecret('db', ['a'], values));
    await stop();
    const before = rawSecretRows();
    const attempt = start(which ? keyFile(which, randomBytes(32)) : undefined);
    await expect(attempt).rejects.toThrow(ConfigError);
    await expect(attempt).rejects.toThrow(message);
    expect(rawSecretRows()).toEqual(before);
  });

  it('rotates: with the new key first and the old one after, every row is resealed with the new key', async () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const h = await start(keyFile('old', oldKey));
    const agent = grpcClient('AgentService', h.grpcPort);
    await registerOverWire(h.engine, agent, 'a');
    agent.close();
    h.engine.apply(federatedSecret('db', ['a'], values));
    await stop();
    expect(new Set(kidsOf(rawSecretRows()))).toEqual(new Set([keyIdOf(oldKey)]));
    await start(keyFile('both', newKey, oldKey));
    await stop();
    expect(new Set(kidsOf(rawSecretRows()))).toEqual(new Set([keyIdOf(newKey)]));
    const h2 = await start(keyFile('new', newKey));
    expect(
      JSON.stringify(h2.engine.get({ kind: 'FederatedSecret', namespace: 'vault', name: 'db' })),
    ).toContain(values.stringData);
  });

  it('seals what a hub stored in clear once it is given a key', async () => {
    const h = await start(undefined);
    h.engine.apply(federatedSecret('db', ['a'], values));
    await stop();
    expect(kidsOf(rawSecretRows())).toEqual(['plaintext']);
    const key = randomBytes(32);
    await start(keyFile('key', key));
    expect(kidsOf(rawSecretRows())).toEqual([keyIdOf(key)]);
  });

  it('does not open a ciphertext moved to another row (answered as an internal error, nothing revealed)', async () => {
    const h = await start(keyFile('key', randomBytes(32)));
    h.engine.apply(federatedSecret('one', ['a'], values));
    h.engine.apply(federatedSecret('two', ['a'], { data: 'x', stringData: 'y' }));
    await stop();
    const db = new Database(path.join(dir, 'fedhub.db'));
    const body = db.prepare("SELECT body FROM resources WHERE name = 'one'").pluck().get() as string;
    db.prepare("UPDATE resources SET body = ? WHERE name = 'two'").run(body);
    db.close();
    const h2 = await start(path.join(dir, 'key'));
    const read = (name: string) =>
      httpRequest({
        port: h2.httpPort,
        caPem: undefined,
        method: 'GET',
        path: `/apis/v1/resources/FederatedSecret/vault/${name}`,
        headers: { authorization: `Bearer ${readFileSync(path.join(dir, 'admin-token'), 'utf8').trim()}` },
      });
    expect((await read('one')).status).toBe(200);
    const moved = await read('two');
    expect(moved.status).toBe(500);
    expect(moved.body).toMatchObject({ message: 'internal error' });
    expect(moved.text).not.toContain(values.stringData);
    await eventually(() => logs.text().includes('authentication failed (altered or moved)'));
  });

  it.each([
    ['an empty file', ''],
    ['a short key', Buffer.alloc(16).toString('base64')],
    ['text', 'not a key at all'],
  ])('refuses a key file holding %s, naming the option and not the content', async (_name, content) => {
    const file = path.join(dir, 'bad');
    writeFileSync(file, content);
    const attempt = start(file);
    await expect(attempt).rejects.toThrow(ConfigError);
    await expect(attempt).rejects.toThrow(/^encryptionKeyFile: /);
    if (content) await expect(attempt).rejects.not.toThrow(content);
  });
});
