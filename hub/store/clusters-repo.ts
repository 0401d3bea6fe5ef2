import type { Labels } from '../core/model.ts';
import type { ClusterHealth } from '../../shared/vocabulary.ts';
import type { SqliteDatabase } from './open-database.ts';
import type { ClusterFactsRecord, ClusterRecord } from './records.ts';

interface Row {
  name: string;
  agent_labels: string;
  admin_labels: string;
  facts: string;
  credential_hash: string;
  registered_at: number;
  last_heartbeat_at: number | null;
  health: ClusterHealth | null;
  health_message: string;
  ready: number;
  applied_revision: number;
  revoked_at: number | null;
}

export interface NewCluster {
  name: string;
  agentLabels: Labels;
  facts: ClusterFactsRecord;
  credentialHash: string;
  registeredAt: number;
}

export interface HeartbeatRecord {
  at: number;
  health: ClusterHealth;
  message: string;
  facts: ClusterFactsRecord;
  appliedRevision: number;
  ready: boolean;
}

/** Member clusters: identity, credential hash, labels, facts, liveness. */
export interface ClustersRepo {
  get(name: string): ClusterRecord | undefined;
  list(): ClusterRecord[];
  /** The cluster owning this credential hash, if any. */
  findByCredentialHash(hash: string): ClusterRecord | undefined;
  insert(c: NewCluster): void;
  updateRegistration(name: string, agentLabels: Labels, facts: ClusterFactsRecord): void;
  setAdminLabels(name: string, adminLabels: Record<string, string | null>): void;
  recordHeartbeat(name: string, hb: HeartbeatRecord): void;
  setAppliedRevision(name: string, revision: number): void;
  setReady(name: string, ready: boolean): void;
  /** Marks the cluster revoked (and not ready); false when it is unknown or already revoked. */
  revoke(name: string, at: number): boolean;
  /** Removes the cluster row; false when unknown. */
  delete(name: string): boolean;
  /** Swaps the credential hash when the current one is `oldHash`; false otherwise. */
  replaceCredentialHash(name: string, oldHash: string, newHash: string): boolean;
}

/** Agent labels with the admin's changes laid over them (null removes). */
export function effectiveLabels(agent: Labels, admin: Record<string, string | null>): Labels {
  const out: Labels = { ...agent };
  for (const [k, v] of Object.entries(admin)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

function fromRow(r: Row): ClusterRecord {
  const agentLabels = JSON.parse(r.agent_labels) as Labels;
  const adminLabels = JSON.parse(r.admin_labels) as Record<string, string | null>;
  return {
    name: r.name,
    labels: effectiveLabels(agentLabels, adminLabels),
    agentLabels,
    adminLabels,
    facts: JSON.parse(r.facts) as ClusterFactsRecord,
    registeredAt: r.registered_at,
    lastHeartbeatAt: r.last_heartbeat_at,
    health: r.health,
    healthMessage: r.health_message,
    ready: r.ready === 1,
    appliedRevision: r.applied_revision,
    revokedAt: r.revoked_at,
  };
}

export function createClustersRepo(db: SqliteDatabase): ClustersRepo {
  const get = db.prepare<[string], Row>('SELECT * FROM clusters WHERE name = ?');
  const list = db.prepare<[], Row>('SELECT * FROM clusters ORDER BY name');
  const byCredential = db.prepare<[string], Row>('SELECT * FROM clusters WHERE credential_hash = ?');
  const insert = db.prepare(
    `INSERT INTO clusters (name, agent_labels, admin_labels, facts, credential_hash, registered_at)
     VALUES (@name, @agentLabels, '{}', @facts, @credentialHash, @registeredAt)`,
  );
  const updateRegistration = db.prepare<[string, string, string]>(
    'UPDATE clusters SET agent_labels = ?, facts = ? WHERE name = ?',
  );
  const setAdminLabels = db.prepare<[string, string]>('UPDATE clusters SET admin_labels = ? WHERE name = ?');
  const heartbeat = db.prepare(
    `UPDATE clusters SET last_heartbeat_at = @at, health = @health, health_message = @message,
       facts = @facts, applied_revision = @appliedRevision, ready = @ready WHERE name = @name`,
  );
  const setApplied = db.prepare<[number, string]>('UPDATE clusters SET applied_revision = ? WHERE name = ?');
  const setReady = db.prepare<[number, string]>('UPDATE clusters SET ready = ? WHERE name = ?');
  const revoke = db.prepare<[number, string]>(
    'UPDATE clusters SET revoked_at = ?, ready = 0 WHERE name = ? AND revoked_at IS NULL',
  );
  const del = db.prepare<[string]>('DELETE FROM clusters WHERE name = ?');
  const replaceCredential = db.prepare<[string, string, string]>(
    'UPDATE clusters SET credential_hash = ? WHERE name = ? AND credential_hash = ? AND revoked_at IS NULL',
  );
  return {
    revoke: (name, at) => revoke.run(at, name).changes > 0,
    delete: (name) => del.run(name).changes > 0,
    replaceCredentialHash: (name, oldHash, newHash) =>
      replaceCredential.run(newHash, name, oldHash).changes > 0,
    get: (name) => {
      const row = get.get(name);
      return row && fromRow(row);
    },
    list: () => list.all().map(fromRow),
    findByCredentialHash: (hash) => {
      const row = byCredential.get(hash);
      return row && fromRow(row);
    },
    insert: (c) => {
      insert.run({
        name: c.name,
        agentLabels: JSON.stringify(c.agentLabels),
        facts: JSON.stringify(c.facts),
        credentialHash: c.credentialHash,
        registeredAt: c.registeredAt,
      });
    },
    updateRegistration: (name, agentLabels, facts) => {
      updateRegistration.run(JSON.stringify(agentLabels), JSON.stringify(facts), name);
    },
    setAdminLabels: (name, adminLabels) => {
      setAdminLabels.run(JSON.stringify(adminLabels), name);
    },
    recordHeartbeat: (name, hb) => {
      heartbeat.run({
        name,
        at: hb.at,
        health: hb.health,
        message: hb.message,
        facts: JSON.stringify(hb.facts),
        appliedRevision: hb.appliedRevision,
        ready: hb.ready ? 1 : 0,
      });
    },
    setAppliedRevision: (name, revision) => {
      setApplied.run(revision, name);
    },
    setReady: (name, ready) => {
      setReady.run(ready ? 1 : 0, name);
    },
  };
}
