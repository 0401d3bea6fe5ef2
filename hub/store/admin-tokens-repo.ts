import type { SqliteDatabase } from './open-database.ts';
import type { AdminRole, AdminTokenRecord } from './records.ts';

interface Row {
  id: string;
  hash: string;
  role: AdminRole;
  description: string;
  created_at: number;
  revoked_at: number | null;
}

/** Admin API tokens, stored by id with the sha256 of their secret and a role. */
export interface AdminTokensRepo {
  get(id: string): AdminTokenRecord | undefined;
  list(): AdminTokenRecord[];
  count(): number;
  insert(t: Omit<AdminTokenRecord, 'revokedAt'>): void;
  /** Marks a token revoked; false when there is no such live token. */
  revoke(id: string, at: number): boolean;
}

const fromRow = (r: Row): AdminTokenRecord => ({
  id: r.id,
  hash: r.hash,
  role: r.role,
  description: r.description,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
});

export function createAdminTokensRepo(db: SqliteDatabase): AdminTokensRepo {
  const get = db.prepare<[string], Row>('SELECT * FROM admin_tokens WHERE id = ?');
  const list = db.prepare<[], Row>('SELECT * FROM admin_tokens ORDER BY created_at, id');
  const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM admin_tokens');
  const insert = db.prepare(
    `INSERT INTO admin_tokens (id, hash, role, description, created_at)
     VALUES (@id, @hash, @role, @description, @createdAt)`,
  );
  const revoke = db.prepare<[number, string]>(
    'UPDATE admin_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
  );
  return {
    get: (id) => {
      const r = get.get(id);
      return r && fromRow(r);
    },
    list: () => list.all().map(fromRow),
    count: () => count.get()!.n,
    insert: (t) => {
      insert.run(t);
    },
    revoke: (id, at) => revoke.run(at, id).changes > 0,
  };
}
