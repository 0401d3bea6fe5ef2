/**
 * Encryption at rest for Secret data: AES-256-GCM with a key the operator provides. A sealed
 * value is stored as JSON (the columns keep their json_valid CHECK) carrying the key id, nonce
 * and tag; the row's identity is the additional data, so a ciphertext moved to another row does
 * not open.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError, FedhubError } from '../../shared/errors.ts';

export const SEAL_ALGORITHM = 'AES-256-GCM';

/** A sealed value could not be opened: unknown key id, or the ciphertext or its row was altered. */
export class SealedDataError extends FedhubError {
  readonly keyId: string;
  constructor(keyId: string, reason: string) {
    super(`sealed data (key id ${keyId}): ${reason}`);
    this.keyId = keyId;
  }
}

interface Envelope {
  fedhubSealed: { v: 1; alg: typeof SEAL_ALGORITHM; kid: string; iv: string; tag: string; data: string };
}

export interface Sealer {
  /** Id of the key new values are sealed with. */
  readonly primaryKeyId: string;
  seal(plaintext: string, aad: string): string;
  /** The plaintext of a sealed value; SealedDataError when it cannot be opened. */
  open(stored: string, aad: string): string;
}

/** Whether a stored column value is a sealed envelope (cheap prefix test, then shape). */
export function isSealed(stored: string): boolean {
  return stored.startsWith('{"fedhubSealed":');
}

/** The key id of a sealed value. */
export function sealedKeyId(stored: string): string {
  return (JSON.parse(stored) as Envelope).fedhubSealed.kid;
}

/** Opens a sealed column; without a sealer that is a SealedDataError too. */
export function openSealed(sealer: Sealer | undefined, stored: string, aad: string): string {
  if (!sealer) throw new SealedDataError(sealedKeyId(stored), 'the hub has no encryptionKeyFile');
  return sealer.open(stored, aad);
}

/** A key's id: the first 8 bytes of sha256 over it, hex. Reveals nothing usable about the key. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('fedhub-seal-key-id\0').update(key).digest('hex').slice(0, 16);
}

/** Sealer over `keys`: the first seals, every one opens (so keys can be rotated). */
export function createSealer(keys: readonly Buffer[]): Sealer {
  if (keys.length === 0) throw new ConfigError('encryptionKeyFile: no key in the file');
  const byId = new Map(keys.map((k) => [keyIdOf(k), k]));
  const primary = keys[0]!;
  const primaryKeyId = keyIdOf(primary);
  return {
    primaryKeyId,
    seal: (plaintext, aad) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', primary, iv);
      cipher.setAAD(Buffer.from(aad, 'utf8'));
      const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const envelope: Envelope = {
        fedhubSealed: {
          v: 1,
          alg: SEAL_ALGORITHM,
          kid: primaryKeyId,
          iv: iv.toString('base64'),
          tag: cipher.getAuthTag().toString('base64'),
          data: data.toString('base64'),
        },
      };
      return JSON.stringify(envelope);
    },
    open: (stored, aad) => {
      const e = (JSON.parse(stored) as Envelope).fedhubSealed;
      const key = byId.get(e.kid);
      if (!key) throw new SealedDataError(e.kid, 'no such key in encryptionKeyFile');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(e.iv, 'base64'));
        decipher.setAAD(Buffer.from(aad, 'utf8'));
        decipher.setAuthTag(Buffer.from(e.tag, 'base64'));
        return Buffer.concat([decipher.update(Buffer.from(e.data, 'base64')), decipher.final()]).toString(
          'utf8',
        );
      } catch {
        throw new SealedDataError(e.kid, 'authentication failed (altered or moved)');
      }
    },
  };
}

/**
 * Reads keys from a file: one per line, each 32 bytes as 64 hex digits or base64; blank lines
 * and `#` comments skipped. The first line's key seals new data. Errors name the line, never the key.
 */
export function loadEncryptionKeys(file: string): Buffer[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `encryptionKeyFile: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
    );
  }
  const keys: Buffer[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const key = /^[0-9a-f]{64}$/i.test(line)
      ? Buffer.from(line, 'hex')
      : /^[A-Za-z0-9+/_-]{43}=?$/.test(line)
        ? Buffer.from(line, 'base64')
        : undefined;
    if (!key || key.length !== 32) {
      throw new ConfigError(
        `encryptionKeyFile: line ${i + 1} is not a 32-byte key (64 hex digits or base64)`,
      );
    }
    keys.push(key);
  });
  if (keys.length === 0) throw new ConfigError('encryptionKeyFile: no key in the file');
  return keys;
}
