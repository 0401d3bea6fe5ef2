/**
 * `describe` output: the object's identity, placement, the per-cluster status table, aggregated
 * replicas and conditions, and recent events. Pure.
 */
import { ageOf, formatLabels } from './printers.ts';
import { formatTable } from './table.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown): Obj => (isObj(v) ? v : {});
/** The string, or `fallback` when absent or empty (proto defaults arrive as ''). */
const str = (v: unknown, fallback = ''): string => (typeof v === 'string' && v !== '' ? v : fallback);
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj) : []);

export interface EventLine {
  at: number | string;
  type: string;
  reason: string;
  message: string;
}

/** Events as read from the hub, or why there are none to show. */
export type EventsSection = { events: EventLine[] } | { unavailable: string };

const field = (label: string, value: string) => `${`${label}:`.padEnd(14)}${value}\n`;

function placementText(spec: Obj): string {
  const p = obj(spec['placement']);
  if (Array.isArray(p['clusters'])) {
    const names = list(p['clusters']).map((c) => str(c['name']));
    return names.length === 0 ? 'clusters: (none)' : `clusters: ${names.join(', ')}`;
  }
  if (isObj(p['clusterSelector'])) {
    const sel = obj(p['clusterSelector']);
    const parts = [
      ...Object.entries(obj(sel['matchLabels'])).map(([k, v]) => `${k}=${String(v)}`),
      ...list(sel['matchExpressions']).map(
        (e) =>
          `${str(e['key'])} ${str(e['operator'])}${Array.isArray(e['values']) ? ` (${e['values'].join(',')})` : ''}`,
      ),
    ];
    return parts.length === 0 ? 'clusterSelector: every cluster' : `clusterSelector: ${parts.join(', ')}`;
  }
  return '(none)';
}

function eventsText(section: EventsSection, now: number): string {
  if ('unavailable' in section) return `Events:       <${section.unavailable}>\n`;
  if (section.events.length === 0) return 'Events:       <none>\n';
  return (
    'Events:\n' +
    formatTable(
      ['TYPE', 'REASON', 'AGE', 'MESSAGE'],
      section.events.map((e) => [e.type, e.reason, ageOf(e.at, now), e.message]),
      '  ',
    )
  );
}

/** The description of a federated resource (or a config kind, which has no status). */
export function formatResourceDescription(view: unknown, events: EventsSection, now: number): string {
  const v = obj(view);
  const meta = obj(v['metadata']);
  const spec = obj(v['spec']);
  let out =
    field('Name', str(meta['name'])) +
    (meta['namespace'] ? field('Namespace', str(meta['namespace'])) : '') +
    field('Kind', `${str(v['kind'])} (${str(v['apiVersion'])})`) +
    field('Labels', formatLabels(meta['labels'])) +
    field('Generation', String(meta['generation'] ?? '-')) +
    field(
      'Created',
      `${str(meta['creationTimestamp'], '<unknown>')} (${ageOf(meta['creationTimestamp'], now)} ago)`,
    );
  if (str(v['apiVersion']).startsWith('types.kubefed.io/')) {
    out += field('Placement', placementText(spec));
    const overrides = list(spec['overrides']);
    out += field(
      'Overrides',
      overrides.length === 0 ? '<none>' : overrides.map((o) => str(o['clusterName'])).join(', '),
    );
  } else if (str(v['kind']) === 'ReplicaSchedulingPreference') {
    out += field('Target', `${str(spec['targetKind'])} (${String(spec['totalReplicas'] ?? '?')} replicas)`);
    const clusters = obj(spec['clusters']);
    out += field(
      'Clusters',
      Object.keys(clusters).length === 0
        ? 'every placed cluster, weight 1'
        : Object.entries(clusters)
            .map(([c, p]) => `${c} ${JSON.stringify(p)}`)
            .join('; '),
    );
  }
  const status = v['status'];
  if (isObj(status)) {
    if (typeof status['replicas'] === 'number') {
      out += field(
        'Replicas',
        `${String(status['readyReplicas'] ?? 0)} ready / ${String(status['replicas'])} total` +
          (typeof status['availableReplicas'] === 'number'
            ? `, ${status['availableReplicas']} available`
            : '') +
          (typeof status['updatedReplicas'] === 'number' ? `, ${status['updatedReplicas']} updated` : ''),
      );
    }
    const conditions = list(status['conditions']);
    out +=
      'Conditions:\n' +
      formatTable(
        ['TYPE', 'STATUS', 'REASON', 'MESSAGE'],
        conditions.map((c) => [str(c['type']), str(c['status']), str(c['reason']), str(c['message'])]),
        '  ',
      );
    const objects = list(status['objects']);
    out +=
      objects.length === 0
        ? 'Clusters:     <none placed>\n'
        : 'Clusters:\n' +
          formatTable(
            ['CLUSTER', 'OBJECT', 'STATUS', 'READY', 'HEALTH', 'REVISION', 'MESSAGE'],
            objects.map((o) => [
              str(o['cluster']),
              str(o['key'], '-'),
              str(o['status']),
              typeof o['replicas'] === 'number' ? `${String(o['readyReplicas'] ?? 0)}/${o['replicas']}` : '-',
              str(o['health'], '-'),
              o['desiredRevision'] === undefined
                ? '-'
                : `${String(o['reportedRevision'] ?? '-')}/${String(o['desiredRevision'])}`,
              str(o['message']),
            ]),
            '  ',
          );
  }
  return out + eventsText(events, now);
}

/** The description of a member cluster. */
export function formatClusterDescription(cluster: unknown, events: EventsSection, now: number): string {
  const c = obj(cluster);
  const facts = obj(c['facts']);
  const admin = Object.entries(obj(c['adminLabels']));
  return (
    field('Name', str(c['name'])) +
    field('Labels', formatLabels(c['labels'])) +
    (admin.length > 0
      ? field(
          'Admin labels',
          admin.map(([k, val]) => (val === null ? `${k}-` : `${k}=${String(val)}`)).join(','),
        )
      : '') +
    field('Ready', c['ready'] === true ? 'True' : 'False') +
    field(
      'Health',
      `${str(c['health'], '<unknown>')}${c['healthMessage'] ? ` (${str(c['healthMessage'])})` : ''}`,
    ) +
    field('Registered', `${str(c['registeredAt'], '<unknown>')} (${ageOf(c['registeredAt'], now)} ago)`) +
    field(
      'Heartbeat',
      c['lastHeartbeatAt']
        ? `${str(c['lastHeartbeatAt'])} (${ageOf(c['lastHeartbeatAt'], now)} ago)`
        : '<never>',
    ) +
    field('Revision', String(c['appliedRevision'] ?? 0)) +
    field('Kubernetes', str(facts['kubernetesVersion'], '<unknown>')) +
    field('Nodes', facts['nodeCount'] === undefined ? '<unknown>' : String(facts['nodeCount'])) +
    field('Agent', str(facts['agentVersion'], '<unknown>')) +
    (isObj(facts['allocatable'])
      ? field(
          'Allocatable',
          Object.entries(facts['allocatable'])
            .map(([k, val]) => `${k}=${String(val)}`)
            .join(', '),
        )
      : '') +
    eventsText(events, now)
  );
}
