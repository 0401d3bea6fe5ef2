/** `fedctl get` and `fedctl describe`. */
import { stringify } from 'yaml';
import type { Cli } from '../cli.ts';
import { CliError, HubStatusError, UsageError, forObject, unsupported } from '../core/cli-errors.ts';
import { formatTable } from '../core/table.ts';
import { formatClusterDescription, formatResourceDescription, type EventsSection } from '../core/describe.ts';
import {
  CLUSTER_KIND,
  EVENT_KIND,
  eventObjectOf,
  namespaceFor,
  objectName,
  type KindInfo,
} from '../core/kinds.ts';
import {
  ageOf,
  formatClusterTable,
  formatNames,
  formatResourceTable,
  type OutputFormat,
} from '../core/printers.ts';

export interface GetOptions {
  /** `get events --for KIND/NAME`: only that object's events. */
  for?: string;
  namespace?: string;
  allNamespaces?: boolean;
  selector?: string;
  output?: string;
}

const FORMATS: Record<string, OutputFormat> = { wide: 'wide', yaml: 'yaml', json: 'json', name: 'name' };

export function parseOutput(output: string | undefined, allowed = Object.keys(FORMATS)): OutputFormat {
  if (output === undefined) return 'table';
  const f = FORMATS[output];
  if (!f || !allowed.includes(output))
    throw new UsageError(`-o must be one of ${allowed.join(', ')}; got ${JSON.stringify(output)}`);
  return f;
}

/** REST path of one object. */
export function resourcePath(info: KindInfo, namespace: string, name: string): string {
  if (info.kind === CLUSTER_KIND) return `/apis/v1/clusters/${encodeURIComponent(name)}`;
  const ns = namespaceFor(info, name, namespace);
  return `/apis/v1/resources/${encodeURIComponent(info.kind)}/${encodeURIComponent(ns || '_')}/${encodeURIComponent(name)}`;
}

function printObjects(cli: Cli, format: 'yaml' | 'json', items: unknown[], single: boolean): void {
  const value = single ? items[0] : { apiVersion: 'v1', kind: 'List', items };
  cli.io.stdout(format === 'json' ? `${JSON.stringify(value, null, 2)}\n` : stringify(value));
}

export async function runGet(cli: Cli, kindArg: string, names: string[], opts: GetOptions): Promise<number> {
  const format = parseOutput(opts.output);
  const info = await cli.resolveKind(kindArg);
  if (info.kind === EVENT_KIND) return runGetEvents(cli, names, opts, format);
  if (opts.for !== undefined) throw new UsageError('--for applies to get events');
  if (opts.allNamespaces && opts.namespace) throw new UsageError('-n and -A cannot be combined');
  if (names.length > 0 && opts.selector) throw new UsageError('names and -l cannot be combined');
  const client = cli.client();
  const namespace = opts.namespace ?? cli.connection().namespace;
  const now = cli.io.now();
  let items: unknown[] = [];
  let failed = 0;
  if (names.length > 0) {
    for (const name of names) {
      try {
        items.push(await client.request({ method: 'GET', path: resourcePath(info, namespace, name) }));
      } catch (err) {
        if (err instanceof HubStatusError && err.status === 404 && !err.isMissingRoute()) {
          cli.io.stderr(`Error from server (NotFound): ${info.plural} "${name}" not found\n`);
          failed++;
        } else throw forObject(err, 'get failed', objectName(info, name));
      }
    }
  } else if (info.kind === CLUSTER_KIND) {
    const list = await client.request<{ items?: unknown[] }>({
      method: 'GET',
      path: '/apis/v1/clusters',
      query: { labelSelector: opts.selector },
    });
    items = list.items ?? [];
  } else {
    const scoped = info.scope !== 'Cluster' && !opts.allNamespaces;
    const list = await client.request<{ items?: unknown[] }>({
      method: 'GET',
      path: '/apis/v1/resources',
      query: { kind: info.kind, namespace: scoped ? namespace : undefined, labelSelector: opts.selector },
    });
    items = list.items ?? [];
  }
  if (items.length === 0 && names.length === 0) {
    const where = info.scope !== 'Cluster' && !opts.allNamespaces ? ` in ${namespace} namespace` : '';
    if (format === 'json' || format === 'yaml') printObjects(cli, format, [], false);
    else cli.io.stderr(`No resources found${where}.\n`);
    return 0;
  }
  if (format === 'json' || format === 'yaml') printObjects(cli, format, items, names.length === 1);
  else if (format === 'name') cli.io.stdout(formatNames(info, items));
  else if (items.length > 0 && info.kind === CLUSTER_KIND)
    cli.io.stdout(formatClusterTable(items, format === 'wide', now));
  else if (items.length > 0)
    cli.io.stdout(
      formatResourceTable(info, items, {
        wide: format === 'wide',
        allNamespaces: opts.allNamespaces ?? false,
        now,
      }),
    );
  return failed > 0 ? 1 : 0;
}

/** `get events [--for KIND/NAME]`: the hub's event log, oldest first. */
async function runGetEvents(
  cli: Cli,
  names: string[],
  opts: GetOptions,
  format: OutputFormat,
): Promise<number> {
  if (names.length > 0) throw new UsageError('events have no names; use --for KIND/NAME to pick an object');
  let object: string | undefined;
  if (opts.for !== undefined) {
    const slash = opts.for.indexOf('/');
    if (slash <= 0 || slash === opts.for.length - 1)
      throw new UsageError(`--for must be KIND/NAME, got ${JSON.stringify(opts.for)}`);
    const target = await cli.resolveKind(opts.for.slice(0, slash));
    object = eventObjectOf(target, opts.for.slice(slash + 1), opts.namespace ?? cli.connection().namespace);
  }
  let list: { items?: Array<Record<string, unknown>> };
  try {
    list = await cli
      .client()
      .request({ method: 'GET', path: '/apis/v1/events', query: { object, limit: '1000' } });
  } catch (err) {
    throw unsupported(err, 'events', 'GET /apis/v1/events');
  }
  const items = list.items ?? [];
  if (format === 'json' || format === 'yaml') {
    printObjects(cli, format, items, false);
    return 0;
  }
  if (items.length === 0) {
    cli.io.stderr('No events found.\n');
    return 0;
  }
  const now = cli.io.now();
  cli.io.stdout(
    formatTable(
      ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'],
      items.map((e) => [
        ageOf(e['at'], now),
        String(e['type'] ?? ''),
        String(e['reason'] ?? ''),
        String(e['object'] ?? ''),
        String(e['message'] ?? ''),
      ]),
    ),
  );
  return 0;
}

/** Recent events of an object, or why they cannot be shown (a hub without the events route). */
async function readEvents(cli: Cli, object: string): Promise<EventsSection> {
  try {
    const list = await cli.client().request<{ items?: unknown[] }>({
      method: 'GET',
      path: '/apis/v1/events',
      query: { object, limit: '20' },
    });
    const events = (list.items ?? []).map((e) => {
      const o = (e ?? {}) as Record<string, unknown>;
      return {
        at: typeof o['at'] === 'number' || typeof o['at'] === 'string' ? o['at'] : '',
        type: String(o['type'] ?? ''),
        reason: String(o['reason'] ?? ''),
        message: String(o['message'] ?? ''),
      };
    });
    return { events };
  } catch (err) {
    if (err instanceof HubStatusError && err.isMissingRoute())
      return { unavailable: 'the hub does not serve events yet (GET /apis/v1/events)' };
    if (err instanceof HubStatusError) return { unavailable: `events unavailable: ${err.message}` };
    throw err;
  }
}

export async function runDescribe(
  cli: Cli,
  kindArg: string,
  name: string,
  opts: { namespace?: string },
): Promise<number> {
  const info = await cli.resolveKind(kindArg);
  if (info.kind === EVENT_KIND) throw new UsageError('use fedctl get events --for KIND/NAME');
  const namespace = opts.namespace ?? cli.connection().namespace;
  let view: unknown;
  try {
    view = await cli.client().request({ method: 'GET', path: resourcePath(info, namespace, name) });
  } catch (err) {
    if (err instanceof HubStatusError && err.status === 404 && !err.isMissingRoute()) {
      const where = info.scope === 'Namespaced' ? ` in namespace ${namespace}` : '';
      throw new CliError(`${info.plural} "${name}" not found${where}`, {
        hint: `list them with fedctl get ${info.plural}${info.scope === 'Namespaced' ? ' -A' : ''}`,
      });
    }
    throw forObject(err, 'describe failed', objectName(info, name));
  }
  const object =
    info.kind === CLUSTER_KIND
      ? `Cluster/${name}`
      : `${info.kind}/${namespaceFor(info, name, namespace)}/${name}`;
  const events = await readEvents(cli, object);
  const now = cli.io.now();
  cli.io.stdout(
    info.kind === CLUSTER_KIND
      ? formatClusterDescription(view, events, now)
      : formatResourceDescription(view, events, now),
  );
  return 0;
}
