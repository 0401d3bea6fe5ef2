/**
 * Admin API tokens: minted with a role, stored as a hash, checked on every admin call by the
 * one authorizer both transports run. `read-only` may read; `admin` may also write and mint.
 */
import { PermissionDeniedError, UnauthenticatedError, ValidationError } from '../../shared/errors.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { ADMIN_ROLES, type AdminRole, type AdminTokenRecord } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import type { AdminAuthorizer } from './admin-authorizer.ts';
import {
  looksLikeClusterCredential,
  newAdminToken,
  parseAdminToken,
  sameDigest,
  sha256Hex,
} from './secrets.ts';
import { runWrite, type WriteDeps } from './write-deps.ts';

export interface NewAdminTokenInput {
  role?: unknown;
  description?: unknown;
}

export interface NewAdminTokenOutput {
  /** The token itself: shown once, never stored. */
  token: string;
  id: string;
  role: AdminRole;
  description: string;
  createdAt: string;
}

/** An admin token as listed: no hash, no secret. */
export interface AdminTokenView {
  id: string;
  role: AdminRole;
  description: string;
  createdAt: string;
  revokedAt: string | null;
}

const MAX_DESCRIPTION = 256;

export const toAdminTokenView = (t: AdminTokenRecord): AdminTokenView => ({
  id: t.id,
  role: t.role,
  description: t.description,
  createdAt: new Date(t.createdAt).toISOString(),
  revokedAt: t.revokedAt === null ? null : new Date(t.revokedAt).toISOString(),
});

export function createAdminToken(deps: WriteDeps, input: NewAdminTokenInput): NewAdminTokenOutput {
  const role = input.role ?? 'read-only';
  if (typeof role !== 'string' || !(ADMIN_ROLES as readonly string[]).includes(role)) {
    throw new ValidationError('role', `must be one of ${ADMIN_ROLES.join(', ')}`);
  }
  const description = input.description ?? '';
  if (typeof description !== 'string' || description.length > MAX_DESCRIPTION) {
    throw new ValidationError('description', `must be a string of at most ${MAX_DESCRIPTION} characters`);
  }
  const { id, token, hash } = newAdminToken();
  const createdAt = runWrite(deps, (txn) => {
    txn.store.adminTokens.insert({ id, hash, role: role as AdminRole, description, createdAt: txn.now });
    txn.store.events.record({
      at: txn.now,
      type: 'Normal',
      reason: 'AdminTokenCreated',
      object: `AdminToken/${id}`,
      message: `role ${role}`,
    });
    return txn.now;
  });
  deps.log.info({ tokenId: id, role }, 'admin token created');
  return { token, id, role: role as AdminRole, description, createdAt: new Date(createdAt).toISOString() };
}

export function revokeAdminToken(deps: WriteDeps, id: string): AdminTokenView {
  return runWrite(deps, (txn) => {
    const t = txn.store.adminTokens.get(id);
    if (!t) throw new NotFoundError(`admin token ${id}`);
    if (txn.store.adminTokens.revoke(id, txn.now)) {
      txn.store.events.record({
        at: txn.now,
        type: 'Normal',
        reason: 'AdminTokenRevoked',
        object: `AdminToken/${id}`,
        message: `role ${t.role}`,
      });
      deps.log.info({ tokenId: id }, 'admin token revoked');
    }
    return toAdminTokenView(txn.store.adminTokens.get(id)!);
  });
}

/** Reads everyone with an admin token may do; anything else needs the `admin` role. */
const READ_RPCS = new Set(['Get', 'List', 'ListClusters', 'GetCluster', 'GetCa']);

/** Whether an operation (`GET /apis/...` or `AdminService/Method`) only reads. */
export function isReadOperation(operation: string): boolean {
  if (operation.startsWith('AdminService/')) return READ_RPCS.has(operation.slice('AdminService/'.length));
  if (operation.includes('/admin-tokens')) return false;
  return operation.startsWith('GET ') || operation.startsWith('HEAD ');
}

/** The live token record for a bearer value, or UnauthenticatedError / PermissionDeniedError. */
export function authenticateAdmin(store: Store, token: string | undefined): AdminTokenRecord {
  if (!token) throw new UnauthenticatedError('missing authorization: Bearer <admin token>');
  if (looksLikeClusterCredential(token)) {
    throw new PermissionDeniedError('a cluster credential cannot call the admin API');
  }
  const parsed = parseAdminToken(token);
  const record = parsed && store.adminTokens.get(parsed.id);
  if (!parsed || !record || !sameDigest(record.hash, sha256Hex(parsed.secret))) {
    throw new UnauthenticatedError('invalid admin token');
  }
  if (record.revokedAt !== null) throw new UnauthenticatedError('admin token revoked');
  return record;
}

/** The authorizer of a hub with admin tokens: a valid token, and the admin role for writes. */
export function createTokenAuthorizer(store: Store): AdminAuthorizer {
  return (token, operation) => {
    const record = authenticateAdmin(store, token);
    if (record.role !== 'admin' && !isReadOperation(operation)) {
      throw new PermissionDeniedError(`role ${record.role} may not ${operation}`);
    }
  };
}
