/**
 * Builds the hub's certificates with node:crypto alone: a self-signed CA and CA-signed serving
 * certificates, ECDSA P-256 with SHA-256. No openssl binary and no extra package: the hub makes
 * its PKI on first start wherever Node runs.
 */
import { createHash, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import {
  bitString,
  boolean,
  explicit,
  implicit,
  octetString,
  oid,
  sequence,
  set,
  smallInteger,
  time,
  unsignedInteger,
  utf8String,
} from './der.ts';

const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const COMMON_NAME = '2.5.4.3';
const ORGANIZATION = '2.5.4.10';

export interface CertificateSpec {
  subject: string;
  /** The issuer's common name; the subject's for a self-signed certificate. */
  issuer: string;
  /** The certified public key. */
  publicKey: KeyObject;
  /** The key that signs: the CA's private key (its own for the CA). */
  signingKey: KeyObject;
  /** The issuer's public key, for the authority key identifier. */
  issuerPublicKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  /** A CA may sign certificates; a leaf serves TLS. */
  ca: boolean;
  /** Subject alternative names: DNS names and IP addresses (leaf only). */
  sans?: readonly string[];
}

function name(commonName: string): Buffer {
  const rdn = (type: string, value: string) => set(sequence(oid(type), utf8String(value)));
  return sequence(rdn(ORGANIZATION, 'fedhub'), rdn(COMMON_NAME, commonName));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));
}

/** 16 bytes of an IPv6 address in any textual form (with :: and an embedded IPv4 tail). */
function ipv6Bytes(text: string): Buffer {
  let s = text;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const [a, b, c, d] = v4[1]!.split('.').map(Number) as [number, number, number, number];
    s = s.slice(0, -v4[1]!.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = s.split('::') as [string, string | undefined];
  const words = (part: string | undefined) => (part ? part.split(':') : []);
  const h = words(head);
  const t = words(tail);
  const all = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  all.forEach((w, i) => out.writeUInt16BE(parseInt(w, 16), i * 2));
  return out;
}

function generalName(san: string): Buffer {
  const family = isIP(san);
  if (family === 4) return implicit(7, Buffer.from(san.split('.').map(Number)));
  if (family === 6) return implicit(7, ipv6Bytes(san));
  return implicit(2, Buffer.from(san, 'ascii'));
}

function keyId(key: KeyObject): Buffer {
  return createHash('sha1')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest();
}

/** A DER certificate for `spec`, signed by spec.signingKey. */
export function buildCertificate(spec: CertificateSpec): Buffer {
  const serial = randomBytes(16);
  serial[0]! &= 0x7f;
  const extensions = spec.ca
    ? [
        extension('2.5.29.19', true, sequence(boolean(true), smallInteger(0))),
        // keyCertSign | cRLSign | digitalSignature
        extension('2.5.29.15', true, bitString(Buffer.from([0x86]), 1)),
      ]
    : [
        extension('2.5.29.19', true, sequence()),
        extension('2.5.29.15', true, bitString(Buffer.from([0x80]), 7)),
        extension('2.5.29.37', false, sequence(oid('1.3.6.1.5.5.7.3.1'))),
        extension('2.5.29.17', false, sequence(...(spec.sans ?? []).map(generalName))),
      ];
  extensions.push(
    extension('2.5.29.14', false, octetString(keyId(spec.publicKey))),
    extension('2.5.29.35', false, sequence(implicit(0, keyId(spec.issuerPublicKey)))),
  );
  const algorithm = sequence(oid(ECDSA_WITH_SHA256));
  const tbs = sequence(
    explicit(0, smallInteger(2)),
    unsignedInteger(serial),
    algorithm,
    name(spec.issuer),
    sequence(time(spec.notBefore), time(spec.notAfter)),
    name(spec.subject),
    spec.publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, sequence(...extensions)),
  );
  const signature = sign('sha256', tbs, spec.signingKey);
  return sequence(tbs, algorithm, bitString(signature));
}

/** PEM text of a DER certificate. */
export function toPem(der: Buffer, label = 'CERTIFICATE'): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
