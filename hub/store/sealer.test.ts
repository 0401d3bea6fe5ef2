// Pins the at-rest sealer: AES-256-GCM round trip bound to the row, key ids, rotation (first key seals, all open), tampering and unknown keys refused, key files parsed without echoing keys.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/errors.ts';
import {
  createSealer,
  isSealed,
  keyIdOf,
  loadEncryptionKeys,
  SealedDataError,
  sealedKeyId,
} from './sealer.ts';

const k1 = randomBytes(32);
const k2 = randomBytes(32);

describe('sealer', () => {
  it('seals to JSON that names the key and opens only for the same row', () => {
    const s = createSealer([k1]);
    const sealed = s.seal('{"data":{"password":"cGFzcw=="}}', 'resources/FederatedSecret/ns/a');
    expect(isSealed(sealed)).toBe(true);
    expect(sealedKeyId(sealed)).toBe(keyIdOf(k1));
    expect(sealed).not.toContain('cGFzcw');
    expect(s.open(sealed, 'resources/FederatedSecret/ns/a')).toBe('{"data":{"password":"cGFzcw=="}}');
    expect(() => s.open(sealed, 'resources/FederatedSecret/ns/b')).toThrow(SealedDataError);
  });

  it('uses a fresh nonce each time', () => {
    const s = createSealer([k1]);
    expect(s.seal('x', 'r')).not.toBe(s.seal('x', 'r'));
  });

  it('seals with the first key and opens with any listed one', () => {
    const old = createSealer([k1]).seal('v', 'r');
    const rotated = createSealer([k2, k1]);
    expect(rotated.primaryKeyId).toBe(keyIdOf(k2));
    expect(rotated.open(old, 'r')).toBe('v');
    expect(sealedKeyId(rotated.seal('v', 'r'))).toBe(keyIdOf(k2));
  });

  it.each([
    [
      'an altered ciphertext',
      (e: Record<string, string>) => ({ ...e, data: Buffer.from('zzzz').toString('base64') }),
    ],
    ['an altered tag', (e: Record<string, string>) => ({ ...e, tag: Buffer.alloc(16).toString('base64') })],
    ['an unknown key id', (e: Record<string, string>) => ({ ...e, kid: '0000000000000000' })],
  ])('refuses %s with SealedDataError', (_name, change) => {
    const s = createSealer([k1]);
    const env = JSON.parse(s.seal('secret', 'r')) as { fedhubSealed: Record<string, string> };
    const bad = JSON.stringify({ fedhubSealed: change(env.fedhubSealed) });
    expect(() => s.open(bad, 'r')).toThrow(SealedDataError);
  });
});

describe('loadEncryptionKeys', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'fedhub-keys-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const file = (text: string) => {
    const f = path.join(dir, 'keys');
    writeFileSync(f, text);
    return f;
  };

  it('reads hex and base64 keys in order, skipping blanks and comments', () => {
    const keys = loadEncryptionKeys(file(`# primary\n${k1.toString('hex')}\n\n${k2.toString('base64')}\n`));
    expect(keys).toEqual([k1, k2]);
  });

  it.each([
    ['no key', '# nothing\n', /no key in the file/],
    ['a 16-byte key', randomBytes(16).toString('hex'), /line 1 is not a 32-byte key/],
    ['a word', 'hunter2hunter2', /line 1 is not a 32-byte key/],
  ])('refuses a file with %s, naming the line but not its content', (_name, text, message) => {
    const load = () => loadEncryptionKeys(file(text));
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(message);
    if (text.trim() && !text.startsWith('#')) expect(load).not.toThrow(text.trim());
  });
});
