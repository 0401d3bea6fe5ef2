import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** sha256 hex: how tokens and credentials are stored (never in clear). */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A per-cluster credential: 256 random bits, base64url, with a recognisable prefix. */
export function newCredential(): string {
  return `fhc_${randomBytes(32).toString('base64url')}`;
}

/**
 * A bootstrap token `fhb_<id>.<secret>`: the id (64 bits) finds the row, the secret (192 bits)
 * is compared by hash.
 */
export function newBootstrapToken(): { id: string; token: string; hash: string } {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(24).toString('base64url');
  return { id, token: `fhb_${id}.${secret}`, hash: sha256Hex(secret) };
}

export function parseBootstrapToken(token: string): { id: string; secret: string } | undefined {
  const m = /^fhb_([0-9a-f]{16})\.([A-Za-z0-9_-]{16,})$/.exec(token);
  return m ? { id: m[1]!, secret: m[2]! } : undefined;
}

/** Constant-time comparison of two hex digests. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** An admin API token `fha_<id>.<secret>`: the id (64 bits) finds the row, the secret (256 bits) is compared by hash. */
export function newAdminToken(): { id: string; token: string; hash: string } {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { id, token: `fha_${id}.${secret}`, hash: sha256Hex(secret) };
}

export function parseAdminToken(token: string): { id: string; secret: string } | undefined {
  const m = /^fha_([0-9a-f]{16})\.([A-Za-z0-9_-]{43})$/.exec(token);
  return m ? { id: m[1]!, secret: m[2]! } : undefined;
}

/** Whether a bearer value is shaped like a cluster credential (`fhc_…`). */
export const looksLikeClusterCredential = (token: string): boolean => token.startsWith('fhc_');
