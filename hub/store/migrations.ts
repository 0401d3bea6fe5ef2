/**
 * Numbered schema migrations. A migration is applied once, inside the transaction that records
 * it in schema_migrations; never edit one that has shipped, add the next number instead.
 */
import { CLUSTER_HEALTHS, OBJECT_HEALTHS, PER_CLUSTER_STATUSES } from '../../shared/vocabulary.ts';
import { ADMIN_ROLES } from './records.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** `'a','b','c'` for a CHECK (x IN (...)) spelled from a shared vocabulary. */
function sqlList(values: readonly string[]): string {
  return values.map((v) => `'${v.replaceAll("'", "''")}'`).join(',');
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
CREATE TABLE meta (
  key   TEXT PRIMARY KEY CHECK (key IN ('hub_id','revision','compacted_revision')),
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE resources (
  kind        TEXT NOT NULL CHECK (length(kind) > 0),
  namespace   TEXT NOT NULL,
  name        TEXT NOT NULL CHECK (length(name) > 0),
  api_version TEXT NOT NULL CHECK (length(api_version) > 0),
  generation  INTEGER NOT NULL CHECK (generation >= 1),
  labels      TEXT NOT NULL CHECK (json_valid(labels)),
  body        TEXT NOT NULL CHECK (json_valid(body)),
  hash        TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (kind, namespace, name)
) WITHOUT ROWID;

CREATE TABLE clusters (
  name              TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 63),
  agent_labels      TEXT NOT NULL CHECK (json_valid(agent_labels)),
  admin_labels      TEXT NOT NULL CHECK (json_valid(admin_labels)),
  facts             TEXT NOT NULL CHECK (json_valid(facts)),
  credential_hash   TEXT NOT NULL UNIQUE,
  registered_at     INTEGER NOT NULL,
  last_heartbeat_at INTEGER,
  health            TEXT CHECK (health IN (${sqlList(CLUSTER_HEALTHS)})),
  health_message    TEXT NOT NULL DEFAULT '',
  ready             INTEGER NOT NULL DEFAULT 1 CHECK (ready IN (0,1)),
  applied_revision  INTEGER NOT NULL DEFAULT 0 CHECK (applied_revision >= 0)
) WITHOUT ROWID;

CREATE TABLE bootstrap_tokens (
  id          TEXT PRIMARY KEY,
  hash        TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  max_uses    INTEGER NOT NULL CHECK (max_uses >= 1),
  uses        INTEGER NOT NULL DEFAULT 0 CHECK (uses >= 0 AND uses <= max_uses)
) WITHOUT ROWID;

CREATE TABLE slice_objects (
  cluster    TEXT NOT NULL,
  key        TEXT NOT NULL,
  source     TEXT NOT NULL,
  revision   INTEGER NOT NULL CHECK (revision >= 1),
  deleted    INTEGER NOT NULL CHECK (deleted IN (0,1)),
  manifest   TEXT CHECK (manifest IS NULL OR json_valid(manifest)),
  hash       TEXT NOT NULL,
  changed_at INTEGER NOT NULL,
  CHECK ((deleted = 1) = (manifest IS NULL)),
  PRIMARY KEY (cluster, key)
) WITHOUT ROWID;
CREATE INDEX slice_objects_by_revision ON slice_objects (cluster, revision);
CREATE INDEX slice_objects_by_source ON slice_objects (source, cluster);
CREATE INDEX slice_objects_tombstones ON slice_objects (deleted, changed_at);

CREATE TABLE object_status (
  cluster                TEXT NOT NULL,
  key                    TEXT NOT NULL,
  source                 TEXT NOT NULL,
  status                 TEXT NOT NULL CHECK (status IN (${sqlList(PER_CLUSTER_STATUSES)})),
  message                TEXT NOT NULL DEFAULT '',
  revision               INTEGER NOT NULL CHECK (revision >= 0),
  generation             INTEGER NOT NULL DEFAULT 0,
  observed_generation    INTEGER NOT NULL DEFAULT 0,
  replicas               INTEGER,
  ready_replicas         INTEGER,
  available_replicas     INTEGER,
  updated_replicas       INTEGER,
  health                 TEXT NOT NULL CHECK (health IN (${sqlList(OBJECT_HEALTHS)})),
  conditions             TEXT NOT NULL CHECK (json_valid(conditions)),
  drift_corrections      INTEGER NOT NULL DEFAULT 0,
  unschedulable_replicas INTEGER NOT NULL DEFAULT 0,
  unschedulable_since_ms INTEGER NOT NULL DEFAULT 0,
  updated_at             INTEGER NOT NULL,
  PRIMARY KEY (cluster, key)
) WITHOUT ROWID;
CREATE INDEX object_status_by_source ON object_status (source);

CREATE TABLE compute_errors (
  cluster    TEXT NOT NULL,
  source     TEXT NOT NULL,
  status     TEXT NOT NULL CHECK (status IN ('ApplyOverridesFailed')),
  message    TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (source, cluster)
) WITHOUT ROWID;

CREATE TABLE events (
  id      INTEGER PRIMARY KEY AUTOINCREMENT,
  at      INTEGER NOT NULL,
  type    TEXT NOT NULL CHECK (type IN ('Normal','Warning')),
  reason  TEXT NOT NULL,
  object  TEXT NOT NULL,
  message TEXT NOT NULL
);
`,
  },
  {
    version: 2,
    name: 'admin tokens and cluster revocation',
    sql: `
CREATE TABLE admin_tokens (
  id          TEXT PRIMARY KEY,
  hash        TEXT NOT NULL,
  role        TEXT NOT NULL CHECK (role IN (${sqlList(ADMIN_ROLES)})),
  description TEXT NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL,
  revoked_at  INTEGER
) WITHOUT ROWID;

ALTER TABLE clusters ADD COLUMN revoked_at INTEGER;
`,
  },
];
