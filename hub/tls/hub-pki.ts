/**
 * The hub's TLS material: the certificate and key it serves with, and the CA PEM agents and
 * tools verify it with. Either made and kept in `<dataDir>/pki/` (a CA on first start, a serving
 * certificate reissued when it nears expiry or lacks a requested name), or read from files the
 * operator gives.
 */
import { generateKeyPairSync, createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { ConfigError } from '../../shared/errors.ts';
import { buildCertificate, toPem } from './x509.ts';

export interface HubTls {
  certPem: string;
  keyPem: string;
  /** The CA that signed certPem, handed to agents in bootstrap bundles; '' when unknown (public CA). */
  caPem: string;
  /** Where the material came from, for the log. */
  source: 'generated' | 'files';
}

/** Names every generated serving certificate carries, before `--tls-san` values. */
export const DEFAULT_SANS = ['localhost', '127.0.0.1', '::1'];

const DAY_MS = 86_400_000;
const CA_VALIDITY_MS = 10 * 365 * DAY_MS;
const LEAF_VALIDITY_MS = 397 * DAY_MS;
/** A serving certificate with less than this left is reissued on start. */
const RENEW_BEFORE_MS = 30 * DAY_MS;
/** Backdating absorbs clock skew between hub and agents. */
const BACKDATE_MS = 60 * 60_000;

function writeSecretFile(file: string, text: string, mode: number): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, text, { mode });
  chmodSync(tmp, mode);
  renameSync(tmp, file);
}

function covers(cert: X509Certificate, san: string): boolean {
  return isIP(san) ? cert.checkIP(san) !== undefined : cert.checkHost(san) !== undefined;
}

function newKeyPair() {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

/**
 * Loads or creates `<dir>/ca.{crt,key}` and `<dir>/hub.{crt,key}` (keys 0600, directory 0700).
 * The serving certificate is reissued when missing, not signed by the CA, within 30 days of
 * expiry, or missing one of `sans`.
 */
export function ensureHubPki(dir: string, sans: readonly string[], now: Date): HubTls {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const file = (n: string) => path.join(dir, n);
  if (!existsSync(file('ca.crt')) || !existsSync(file('ca.key'))) {
    const { publicKey, privateKey } = newKeyPair();
    const der = buildCertificate({
      subject: 'fedhub hub CA',
      issuer: 'fedhub hub CA',
      publicKey,
      signingKey: privateKey,
      issuerPublicKey: publicKey,
      notBefore: new Date(now.getTime() - BACKDATE_MS),
      notAfter: new Date(now.getTime() + CA_VALIDITY_MS),
      ca: true,
    });
    writeSecretFile(file('ca.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, 0o600);
    writeSecretFile(file('ca.crt'), toPem(der), 0o644);
  }
  const caPem = readFileSync(file('ca.crt'), 'utf8');
  const ca = new X509Certificate(caPem);
  const caKey = createPrivateKey(readFileSync(file('ca.key')));
  const wanted = [...new Set([...DEFAULT_SANS, ...sans])];
  const current = existsSync(file('hub.crt')) && existsSync(file('hub.key'));
  const leaf = current ? new X509Certificate(readFileSync(file('hub.crt'))) : undefined;
  const fresh =
    leaf !== undefined &&
    leaf.checkIssued(ca) &&
    leaf.verify(ca.publicKey) &&
    new Date(leaf.validTo).getTime() - now.getTime() > RENEW_BEFORE_MS &&
    wanted.every((s) => covers(leaf, s));
  if (!fresh) {
    const { publicKey, privateKey } = newKeyPair();
    const der = buildCertificate({
      subject: 'fedhub hub',
      issuer: 'fedhub hub CA',
      publicKey,
      signingKey: caKey,
      issuerPublicKey: createPublicKey(caKey),
      notBefore: new Date(now.getTime() - BACKDATE_MS),
      notAfter: new Date(now.getTime() + LEAF_VALIDITY_MS),
      ca: false,
      sans: wanted,
    });
    writeSecretFile(file('hub.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, 0o600);
    writeSecretFile(file('hub.crt'), toPem(der), 0o644);
  }
  return {
    certPem: readFileSync(file('hub.crt'), 'utf8'),
    keyPem: readFileSync(file('hub.key'), 'utf8'),
    caPem,
    source: 'generated',
  };
}

/** TLS material from operator files; ConfigError naming the file when one is unreadable or invalid. */
export function loadTlsFiles(files: {
  certFile: string;
  keyFile: string;
  caFile: string | undefined;
}): HubTls {
  const read = (field: string, f: string) => {
    try {
      return readFileSync(f, 'utf8');
    } catch (err) {
      throw new ConfigError(`${field}: cannot read ${f}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  };
  const certPem = read('tlsCertFile', files.certFile);
  const keyPem = read('tlsKeyFile', files.keyFile);
  const caPem = files.caFile ? read('tlsCaFile', files.caFile) : '';
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch {
    throw new ConfigError(`tlsCertFile: ${files.certFile} is not a PEM certificate`);
  }
  try {
    if (!cert.checkPrivateKey(createPrivateKey(keyPem))) {
      throw new ConfigError(`tlsKeyFile: ${files.keyFile} does not match the certificate`);
    }
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`tlsKeyFile: ${files.keyFile} is not a PEM private key`);
  }
  if (caPem) {
    try {
      new X509Certificate(caPem);
    } catch {
      throw new ConfigError(`tlsCaFile: ${files.caFile} is not a PEM certificate`);
    }
  }
  return { certPem, keyPem, caPem, source: 'files' };
}
