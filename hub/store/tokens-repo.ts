import type { SqliteDatabase } from './open-database.ts';
import type { BootstrapTokenRecord } from './records.ts';

interface Row {
  id: string;
  hash: string;
  description: string;
  created_at: number;
  expires_at: number;
  max_uses: number;
  uses: number;
}

/** Bootstrap tokens, stored by id with the sha256 of their secret. */
export interface TokensRepo {
  get(id: string): BootstrapTokenRecord | undefined;
  insert(t: Omit<BootstrapTokenRecord, 'uses'>): void;
  /** Counts one use; false when the token has none left. */
  consume(id: string): boolean;
}

export function createTokensRepo(db: SqliteDatabase): TokensRepo {
  const get = db.prepare<[string], Row>('SELECT * FROM bootstrap_tokens WHERE id = ?');
  const insert = db.prepare(
    `INSERT INTO bootstrap_tokens (id, hash, description, created_at, expires_at, max_uses)
     VALUES (@id, @hash, @description, @createdAt, @expiresAt, @maxUses)`,
  );
  const consume = db.prepare<[string]>(
    'UPDATE bootstrap_tokens SET uses = uses + 1 WHERE id = ? AND uses < max_uses',
  );
  return {
    get: (id) => {
      const r = get.get(id);
      return (
        r && {
          id: r.id,
          hash: r.hash,
          description: r.description,
          createdAt: r.created_at,
          expiresAt: r.expires_at,
          maxUses: r.max_uses,
          uses: r.uses,
        }
      );
    },
    insert: (t) => {
      insert.run(t);
    },
    consume: (id) => consume.run(id).changes > 0,
  };
}
