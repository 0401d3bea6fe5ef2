// Pins the hub's own PKI: a CA and a CA-signed serving certificate for the default and extra names, keys 0600, kept across starts and reissued when names change; operator files checked.
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/errors.ts';
import { ensureHubPki, loadTlsFiles } from './hub-pki.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'fedhub-pki-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const now = new Date();

describe('ensureHubPki', () => {
  it('creates a CA and a serving certificate it signed, valid now, for every requested name', () => {
    const tls = ensureHubPki(path.join(dir, 'pki'), ['hub.example.com', '10.1.2.3', 'fd00::7'], now);
    const ca = new X509Certificate(tls.caPem);
    const leaf = new X509Certificate(tls.certPem);
    expect(ca.ca).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(new Date(leaf.validFrom).getTime()).toBeLessThan(now.getTime());
    expect(new Date(leaf.validTo).getTime()).toBeGreaterThan(now.getTime() + 300 * 86_400_000);
    for (const host of ['localhost', 'hub.example.com']) expect(leaf.checkHost(host)).toBe(host);
    for (const ip of ['127.0.0.1', '::1', '10.1.2.3', 'fd00::7']) expect(leaf.checkIP(ip)).toBeDefined();
    expect(leaf.checkHost('other.example.com')).toBeUndefined();
  });

  it.each([
    ['ca.key', 0o600],
    ['hub.key', 0o600],
    ['ca.crt', 0o644],
  ])('writes %s with mode %o', (file, mode) => {
    ensureHubPki(path.join(dir, 'pki'), [], now);
    expect(statSync(path.join(dir, 'pki', file)).mode & 0o777).toBe(mode);
    expect(statSync(path.join(dir, 'pki')).mode & 0o777).toBe(0o700);
  });

  it('keeps the same CA and certificate across starts, and reissues only the certificate for a new name', () => {
    const first = ensureHubPki(path.join(dir, 'pki'), [], now);
    const second = ensureHubPki(path.join(dir, 'pki'), [], now);
    expect(second).toEqual(first);
    const third = ensureHubPki(path.join(dir, 'pki'), ['new.example.com'], now);
    expect(third.caPem).toBe(first.caPem);
    expect(third.certPem).not.toBe(first.certPem);
    expect(new X509Certificate(third.certPem).checkHost('new.example.com')).toBe('new.example.com');
  });

  it('reissues a certificate within 30 days of its expiry', () => {
    const first = ensureHubPki(path.join(dir, 'pki'), [], now);
    const later = new Date(now.getTime() + 380 * 86_400_000);
    expect(ensureHubPki(path.join(dir, 'pki'), [], later).certPem).not.toBe(first.certPem);
  });
});

describe('loadTlsFiles', () => {
  it('reads a matching certificate and key with their CA', () => {
    ensureHubPki(path.join(dir, 'pki'), [], now);
    const f = (n: string) => path.join(dir, 'pki', n);
    const tls = loadTlsFiles({ certFile: f('hub.crt'), keyFile: f('hub.key'), caFile: f('ca.crt') });
    expect(tls).toMatchObject({ source: 'files', caPem: readFileSync(f('ca.crt'), 'utf8') });
  });

  it.each([
    ['a missing certificate file', 'nope.crt', 'hub.key', /tlsCertFile: cannot read/],
    ['a key that is not PEM', 'hub.crt', 'garbage', /tlsKeyFile: .* is not a PEM private key/],
    ['a key of another certificate', 'hub.crt', 'ca.key', /tlsKeyFile: .* does not match/],
    ['a certificate that is not PEM', 'garbage', 'hub.key', /tlsCertFile: .* is not a PEM certificate/],
  ])('refuses %s with a ConfigError naming the option', (_name, cert, key, message) => {
    ensureHubPki(path.join(dir, 'pki'), [], now);
    writeFileSync(path.join(dir, 'pki', 'garbage'), 'not pem');
    const f = (n: string) => path.join(dir, 'pki', n);
    const load = () => loadTlsFiles({ certFile: f(cert), keyFile: f(key), caFile: undefined });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(message);
  });
});
