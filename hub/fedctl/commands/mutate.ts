/** `fedctl delete`, `label cluster`, `revoke cluster` and `failback`. */
import {
  createKindCatalog,
  CLUSTER_KIND,
  EVENT_KIND,
  namespaceFor,
  objectName,
  type KindInfo,
} from '../core/kinds.ts';
import type { Cli } from '../cli.ts';
import { CliError, HubStatusError, UsageError, forObject, unsupported } from '../core/cli-errors.ts';
import { parseLabelArgs } from '../core/label-args.ts';
import { readManifests } from '../read-manifests.ts';
import { resourcePath } from './get.ts';

export interface DeleteOptions {
  filename: string[];
  recursive?: boolean;
  namespace?: string;
  ignoreNotFound?: boolean;
}

interface Target {
  info: KindInfo;
  namespace: string;
  name: string;
}

async function targetsFromFiles(cli: Cli, opts: DeleteOptions): Promise<Target[]> {
  const docs = await readManifests(opts.filename, {
    recursive: opts.recursive ?? false,
    stdin: cli.io.stdin,
  });
  const catalog = createKindCatalog(await cli.registrations(true));
  return docs.map((d) => {
    const doc = (d.doc ?? {}) as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
    const info = typeof doc.kind === 'string' ? catalog.resolve(doc.kind) : undefined;
    const name = doc.metadata?.name;
    if (!info || typeof name !== 'string')
      throw new CliError(
        `cannot delete ${d.source} document ${d.index}: it needs a known kind and metadata.name`,
      );
    const ns =
      typeof doc.metadata?.namespace === 'string' ? doc.metadata.namespace : cli.connection().namespace;
    return { info, namespace: opts.namespace ?? ns, name };
  });
}

export async function runDelete(cli: Cli, args: string[], opts: DeleteOptions): Promise<number> {
  let targets: Target[];
  if (opts.filename.length > 0) {
    if (args.length > 0) throw new UsageError('give either -f or KIND NAME..., not both');
    targets = await targetsFromFiles(cli, opts);
  } else {
    const [kindArg, ...names] = args;
    if (!kindArg || names.length === 0) throw new UsageError('must give KIND NAME... or -f FILE');
    const info = await cli.resolveKind(kindArg);
    if (info.kind === EVENT_KIND) throw new UsageError('events cannot be deleted; the hub prunes them');
    const namespace = opts.namespace ?? cli.connection().namespace;
    targets = names.map((name) => ({ info, namespace, name }));
  }
  let failed = 0;
  for (const t of targets) {
    const label = objectName(t.info, t.name);
    try {
      await cli.client().request({ method: 'DELETE', path: resourcePath(t.info, t.namespace, t.name) });
      cli.io.stdout(`${label} deleted\n`);
    } catch (err) {
      const missing = unsupported(err, 'removing clusters', 'DELETE /apis/v1/clusters/{name}');
      if (t.info.kind === CLUSTER_KIND && missing !== err) throw missing;
      if (err instanceof HubStatusError && err.status === 404 && !err.isMissingRoute()) {
        if (opts.ignoreNotFound) continue;
        const ns = namespaceFor(t.info, t.name, t.namespace);
        cli.io.stderr(
          `Error from server (NotFound): ${t.info.plural} "${t.name}" not found${ns ? ` in namespace ${ns}` : ''}\n`,
        );
        failed++;
        continue;
      }
      throw forObject(err, 'delete failed', label);
    }
  }
  return failed > 0 ? 1 : 0;
}

export async function runLabel(
  cli: Cli,
  kindArg: string,
  name: string,
  labels: string[],
  opts: { overwrite?: boolean },
): Promise<number> {
  const info = await cli.resolveKind(kindArg);
  if (info.kind !== CLUSTER_KIND) {
    throw new UsageError(
      `only clusters can be labeled here, not ${info.plural}`,
      'change metadata.labels in the manifest and apply it',
    );
  }
  const patch = parseLabelArgs(labels);
  try {
    await cli.client().request({
      method: 'PATCH',
      path: `/apis/v1/clusters/${encodeURIComponent(name)}/labels`,
      query: { overwrite: opts.overwrite ? 'true' : 'false' },
      body: patch,
      contentType: 'application/merge-patch+json',
    });
  } catch (err) {
    if (err instanceof HubStatusError && err.status === 404 && !err.isMissingRoute())
      throw new CliError(`clusters "${name}" not found`, { hint: 'list them with fedctl get clusters' });
    if (err instanceof HubStatusError && err.status === 409)
      throw new CliError(`label failed for cluster/${name}: ${err.message}`, {
        hint: 'pass --overwrite to replace the value',
      });
    throw forObject(err, 'label failed', `cluster/${name}`);
  }
  const sets = Object.values(patch).some((v) => v !== null);
  cli.io.stdout(`cluster/${name} ${sets ? 'labeled' : 'unlabeled'}\n`);
  return 0;
}

export async function runFailback(
  cli: Cli,
  name: string,
  opts: { namespace?: string; cluster?: string },
): Promise<number> {
  const namespace = opts.namespace ?? cli.connection().namespace;
  const route = `/apis/v1/resources/ReplicaSchedulingPreference/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/failback`;
  try {
    await cli.client().request({
      method: 'POST',
      path: route,
      body: opts.cluster !== undefined ? { cluster: opts.cluster } : {},
    });
  } catch (err) {
    const e = unsupported(
      err,
      'failback',
      `POST ${route.replace(/\/[^/]+\/[^/]+\/failback$/, '/{namespace}/{name}/failback')}`,
    );
    if (e !== err) throw e;
    if (err instanceof HubStatusError && err.status === 404)
      throw new CliError(
        `failback failed for replicaschedulingpreference/${name} in namespace ${namespace}: ${err.message}`,
        {
          hint: 'list preferences with fedctl get rsp -A and clusters with fedctl get clusters',
        },
      );
    throw forObject(err, 'failback failed', `replicaschedulingpreference/${name}`);
  }
  cli.io.stdout(
    `replicaschedulingpreference/${name} failback approved${opts.cluster !== undefined ? ` for cluster ${opts.cluster}` : ''}\n`,
  );
  return 0;
}

export async function runRevokeCluster(cli: Cli, kindArg: string, name: string): Promise<number> {
  const info = await cli.resolveKind(kindArg);
  if (info.kind !== CLUSTER_KIND) throw new UsageError(`only clusters can be revoked, not ${info.plural}`);
  try {
    await cli
      .client()
      .request({ method: 'POST', path: `/apis/v1/clusters/${encodeURIComponent(name)}/revoke` });
  } catch (err) {
    const missing = unsupported(err, 'revoking clusters', 'POST /apis/v1/clusters/{name}/revoke');
    if (missing !== err) throw missing;
    if (err instanceof HubStatusError && err.status === 404)
      throw new CliError(`clusters "${name}" not found`, { hint: 'list them with fedctl get clusters' });
    throw forObject(err, 'revoke failed', `cluster/${name}`);
  }
  cli.io.stdout(`cluster/${name} revoked\n`);
  return 0;
}
