/** `fedctl federate -f manifest.yaml --clusters a,b | --cluster-selector k=v`: prints the kubefed form. */
import { stringify } from 'yaml';
import { BUILTIN_TYPES } from '../../core/type-registry.ts';
import type { Cli } from '../cli.ts';
import { UsageError } from '../core/cli-errors.ts';
import { federateManifests, type FederatePlacement } from '../core/federate.ts';
import { parseLabelList } from '../core/label-args.ts';
import { splitApiVersion } from '../../../shared/object-key.ts';
import { readManifests } from '../read-manifests.ts';
import { parseOutput } from './get.ts';

export interface FederateOptions {
  filename: string[];
  recursive?: boolean;
  clusters?: string;
  clusterSelector?: string;
  namespace?: string;
  output?: string;
}

function placementOf(opts: FederateOptions): FederatePlacement {
  if ((opts.clusters === undefined) === (opts.clusterSelector === undefined))
    throw new UsageError('give exactly one of --clusters a,b or --cluster-selector k=v');
  if (opts.clusters !== undefined) {
    const clusters = opts.clusters
      .split(',')
      .map((c) => c.trim())
      .filter((c) => c !== '');
    for (const c of clusters)
      if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(c))
        throw new UsageError(`--clusters: ${JSON.stringify(c)} is not a cluster name (a DNS label)`);
    return { clusters };
  }
  return { matchLabels: parseLabelList(opts.clusterSelector!, '--cluster-selector') };
}

export async function runFederate(cli: Cli, opts: FederateOptions): Promise<number> {
  if (opts.filename.length === 0) throw new UsageError('must specify -f FILE|DIR|-');
  const format = parseOutput(opts.output ?? 'yaml', ['yaml', 'json']);
  const placement = placementOf(opts);
  const docs = await readManifests(opts.filename, {
    recursive: opts.recursive ?? false,
    stdin: cli.io.stdin,
  });
  // Built-in kinds need no hub; others ask the hub for its FederatedTypeConfigs.
  const builtin = docs.every((d) => {
    const o = (d.doc ?? {}) as { apiVersion?: unknown; kind?: unknown };
    if (typeof o.apiVersion !== 'string') return true;
    const { group } = splitApiVersion(o.apiVersion);
    return BUILTIN_TYPES.some((r) => r.target.group === group && r.target.kind === o.kind);
  });
  const registrations = await cli.registrations(!builtin);
  const out: unknown[] = [];
  for (const [source, group] of groupBySource(docs)) {
    out.push(
      ...federateManifests({
        documents: group,
        registrations,
        placement,
        defaultNamespace: opts.namespace ?? 'default',
        source,
      }),
    );
  }
  if (format === 'json')
    cli.io.stdout(
      `${JSON.stringify(out.length === 1 ? out[0] : { apiVersion: 'v1', kind: 'List', items: out }, null, 2)}\n`,
    );
  else cli.io.stdout(out.map((d) => stringify(d)).join('---\n'));
  return 0;
}

function groupBySource(docs: ReadonlyArray<{ source: string; doc: unknown }>): Map<string, unknown[]> {
  const m = new Map<string, unknown[]>();
  for (const d of docs) m.set(d.source, [...(m.get(d.source) ?? []), d.doc]);
  return m;
}
