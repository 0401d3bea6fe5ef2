import type { SqliteDatabase } from './open-database.ts';
import type { EventRecord } from './records.ts';

/** A short history of notable hub decisions, newest last. */
export interface EventsRepo {
  record(e: Omit<EventRecord, 'id'>): void;
  list(object?: string, limit?: number): EventRecord[];
  /** Calls `listener` with every event recorded from now on (metrics count them). */
  onRecord(listener: (e: Omit<EventRecord, 'id'>) => void): void;
  /** Deletes events older than `before`; returns how many. */
  prune(before: number): number;
}

export function createEventsRepo(db: SqliteDatabase): EventsRepo {
  const insert = db.prepare(
    'INSERT INTO events (at, type, reason, object, message) VALUES (@at, @type, @reason, @object, @message)',
  );
  const list = db.prepare<{ object: string | null; limit: number }, EventRecord>(
    `SELECT * FROM (SELECT id, at, type, reason, object, message FROM events
       WHERE @object IS NULL OR object = @object ORDER BY id DESC LIMIT @limit) ORDER BY id`,
  );
  const prune = db.prepare<[number]>('DELETE FROM events WHERE at < ?');
  const listeners: Array<(e: Omit<EventRecord, 'id'>) => void> = [];
  return {
    record: (e) => {
      insert.run(e);
      for (const l of listeners) l(e);
    },
    onRecord: (listener) => {
      listeners.push(listener);
    },
    list: (object, limit = 100) => list.all({ object: object ?? null, limit }),
    prune: (before) => prune.run(before).changes,
  };
}
