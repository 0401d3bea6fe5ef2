/**
 * `fedctl token create | list | revoke`: bootstrap tokens for registering agents, and admin
 * tokens (roles admin and read-only) for the admin API.
 */
import { stringify } from 'yaml';
import type { Cli } from '../cli.ts';
import { CliError, HubStatusError, UsageError, forObject, unsupported } from '../core/cli-errors.ts';
import { parseDuration } from '../core/duration.ts';
import { ageOf } from '../core/printers.ts';
import { formatTable } from '../core/table.ts';
import { parseOutput } from './get.ts';

export interface TokenCreateOptions {
  admin?: boolean;
  role?: string;
  ttl?: string;
  maxUses?: string;
  description?: string;
  output?: string;
}

const ADMIN_ROUTE = '/apis/v1/admin-tokens';

function bootstrapBody(opts: TokenCreateOptions): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (opts.ttl !== undefined) body['ttlMs'] = parseDuration(opts.ttl, '--ttl');
  if (opts.maxUses !== undefined) {
    const n = Number(opts.maxUses);
    if (!/^\d+$/.test(opts.maxUses) || n < 1)
      throw new UsageError(`--max-uses must be an integer >= 1, got ${JSON.stringify(opts.maxUses)}`);
    body['maxUses'] = n;
  }
  if (opts.description !== undefined) body['description'] = opts.description;
  return body;
}

export async function runTokenCreate(cli: Cli, opts: TokenCreateOptions): Promise<number> {
  const format = parseOutput(opts.output, ['json', 'yaml']);
  if (opts.admin && (opts.ttl !== undefined || opts.maxUses !== undefined))
    throw new UsageError('--ttl and --max-uses apply to bootstrap tokens, not --admin tokens');
  if (!opts.admin && opts.role !== undefined) throw new UsageError('--role needs --admin');
  const body = opts.admin
    ? {
        role: opts.role ?? 'read-only',
        ...(opts.description !== undefined ? { description: opts.description } : {}),
      }
    : bootstrapBody(opts);
  let token: Record<string, unknown>;
  try {
    token = await cli.client().request({
      method: 'POST',
      path: opts.admin ? ADMIN_ROUTE : '/apis/v1/bootstrap-tokens',
      body,
    });
  } catch (err) {
    const missing = unsupported(err, 'admin tokens', `POST ${ADMIN_ROUTE}`);
    if (missing !== err) throw missing;
    throw forObject(err, 'create failed', opts.admin ? 'admin-token' : 'bootstrap-token');
  }
  if (format === 'json') cli.io.stdout(`${JSON.stringify(token, null, 2)}\n`);
  else if (format === 'yaml') cli.io.stdout(stringify(token));
  else {
    // Only the token on stdout, for `$(fedctl token create)`; what it is goes to stderr.
    cli.io.stdout(`${String(token['token'])}\n`);
    cli.io.stderr(
      opts.admin
        ? `admin token ${String(token['id'])}: role ${String(token['role'])} (shown once)\n`
        : `bootstrap token ${String(token['id'])}: expires ${String(token['expiresAt'])}, ${String(token['maxUses'])} use(s)\n`,
    );
  }
  return 0;
}

export async function runTokenList(cli: Cli, opts: { output?: string }): Promise<number> {
  const format = parseOutput(opts.output, ['json', 'yaml']);
  let list: { items?: Array<Record<string, unknown>> };
  try {
    list = await cli.client().request({ method: 'GET', path: ADMIN_ROUTE });
  } catch (err) {
    throw unsupported(err, 'listing admin tokens', `GET ${ADMIN_ROUTE}`);
  }
  const items = list.items ?? [];
  if (format === 'json' || format === 'yaml') {
    const value = { apiVersion: 'v1', kind: 'List', items };
    cli.io.stdout(format === 'json' ? `${JSON.stringify(value, null, 2)}\n` : stringify(value));
    return 0;
  }
  if (items.length === 0) {
    cli.io.stderr('No admin tokens found.\n');
    return 0;
  }
  const now = cli.io.now();
  cli.io.stdout(
    formatTable(
      ['ID', 'ROLE', 'AGE', 'REVOKED', 'DESCRIPTION'],
      items.map((t) => [
        String(t['id'] ?? ''),
        String(t['role'] ?? ''),
        ageOf(t['createdAt'], now),
        t['revokedAt'] ? String(t['revokedAt']) : '-',
        String(t['description'] ?? ''),
      ]),
    ),
  );
  return 0;
}

export async function runTokenRevoke(cli: Cli, id: string): Promise<number> {
  try {
    await cli.client().request({ method: 'DELETE', path: `${ADMIN_ROUTE}/${encodeURIComponent(id)}` });
  } catch (err) {
    const missing = unsupported(err, 'revoking admin tokens', `DELETE ${ADMIN_ROUTE}/{id}`);
    if (missing !== err) throw missing;
    if (err instanceof HubStatusError && err.status === 404)
      throw new CliError(`admin token ${JSON.stringify(id)} not found`, {
        hint: 'list them with fedctl token list',
      });
    throw forObject(err, 'revoke failed', `admin-token/${id}`);
  }
  cli.io.stdout(`admin-token/${id} revoked\n`);
  return 0;
}
