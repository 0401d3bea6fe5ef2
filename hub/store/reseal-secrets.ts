import { ConfigError } from '../../shared/errors.ts';
import type { SqliteDatabase } from './open-database.ts';
import { isSecretKind, resourceAad } from './resources-repo.ts';
import { isSealed, SealedDataError, sealedKeyId, type Sealer } from './sealer.ts';
import { sliceAad } from './slices-repo.ts';

/**
 * Brings Secret data at rest in line with the hub's key, in one transaction at open: plaintext
 * rows are sealed, rows sealed with an older key are resealed with the primary one. Without a
 * sealer, a database that holds sealed rows is a ConfigError (start the hub with the key).
 * Returns how many rows were rewritten.
 */
export function resealSecrets(db: SqliteDatabase, sealer: Sealer | undefined): number {
  const resources = db
    .prepare<[], { kind: string; namespace: string; name: string; body: string }>(
      "SELECT kind, namespace, name, body FROM resources WHERE kind = 'FederatedSecret'",
    )
    .all()
    .filter((r) => isSecretKind(r.kind))
    .map((r) => ({ stored: r.body, aad: resourceAad(r.kind, r.namespace, r.name), id: r }));
  const slices = db
    .prepare<[], { cluster: string; key: string; manifest: string }>(
      "SELECT cluster, key, manifest FROM slice_objects WHERE key LIKE 'core/Secret/%' AND manifest IS NOT NULL",
    )
    .all()
    .map((r) => ({ stored: r.manifest, aad: sliceAad(r.cluster, r.key), id: r }));
  if (!sealer) {
    const sealed = [...resources, ...slices].find((r) => isSealed(r.stored));
    if (sealed) {
      throw new ConfigError(
        `encryptionKeyFile: the database holds Secret data sealed with key id ${sealedKeyId(sealed.stored)}; start the hub with that key`,
      );
    }
    return 0;
  }
  const next = (stored: string, aad: string): string | undefined => {
    if (!isSealed(stored)) return sealer.seal(stored, aad);
    if (sealedKeyId(stored) === sealer.primaryKeyId) return undefined;
    try {
      return sealer.seal(sealer.open(stored, aad), aad);
    } catch (err) {
      if (!(err instanceof SealedDataError)) throw err;
      throw new ConfigError(
        `encryptionKeyFile: the database holds Secret data sealed with key id ${err.keyId}, which this file cannot open; list that key after the new one to rotate`,
        { cause: err },
      );
    }
  };
  const setBody = db.prepare<[string, string, string, string]>(
    'UPDATE resources SET body = ? WHERE kind = ? AND namespace = ? AND name = ?',
  );
  const setManifest = db.prepare<[string, string, string]>(
    'UPDATE slice_objects SET manifest = ? WHERE cluster = ? AND key = ?',
  );
  let rewritten = 0;
  db.transaction(() => {
    for (const r of resources) {
      const value = next(r.stored, r.aad);
      if (value === undefined) continue;
      setBody.run(value, r.id.kind, r.id.namespace, r.id.name);
      rewritten++;
    }
    for (const r of slices) {
      const value = next(r.stored, r.aad);
      if (value === undefined) continue;
      setManifest.run(value, r.id.cluster, r.id.key);
      rewritten++;
    }
  }).immediate();
  return rewritten;
}
