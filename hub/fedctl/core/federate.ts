/**
 * Plain Kubernetes manifests to their kubefed form: `Deployment` -> `types.kubefed.io/v1beta1`
 * `FederatedDeployment` with the object as spec.template (status and server-set metadata dropped)
 * and a placement. Pure.
 */
import { splitApiVersion } from '../../../shared/object-key.ts';
import type { TypeRegistration } from '../../core/model.ts';
import { CliError } from './cli-errors.ts';

export const FEDERATED_API_VERSION = 'types.kubefed.io/v1beta1';

/** Where the federated resources go: named clusters, or every cluster whose labels match. */
export type FederatePlacement = { clusters: string[] } | { matchLabels: Record<string, string> };

/** Metadata the API server sets: meaningless (or harmful) in another cluster. */
const SERVER_SET_METADATA = [
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
  'ownerReferences',
  'generateName',
];
const SERVER_SET_ANNOTATIONS = [
  'kubectl.kubernetes.io/last-applied-configuration',
  'deployment.kubernetes.io/revision',
];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The object as a template: no apiVersion, kind, name, namespace, status or server-set metadata. */
export function toTemplate(manifest: Obj): Obj {
  const copy = structuredClone(manifest);
  delete copy['apiVersion'];
  delete copy['kind'];
  delete copy['status'];
  const meta = isObj(copy['metadata']) ? copy['metadata'] : {};
  delete meta['name'];
  delete meta['namespace'];
  for (const k of SERVER_SET_METADATA) delete meta[k];
  if (isObj(meta['annotations'])) {
    for (const k of SERVER_SET_ANNOTATIONS) delete meta['annotations'][k];
    if (Object.keys(meta['annotations']).length === 0) delete meta['annotations'];
  }
  if (Object.keys(meta).length === 0) delete copy['metadata'];
  else copy['metadata'] = meta;
  // A Service's cluster IP is assigned per cluster; only headless ("None") is meaningful.
  const spec = copy['spec'];
  if (manifest['kind'] === 'Service' && isObj(spec) && spec['clusterIP'] !== 'None') {
    delete spec['clusterIP'];
    delete spec['clusterIPs'];
  }
  return copy;
}

export interface FederateInput {
  documents: readonly unknown[];
  /** The hub's type registrations (built-ins and FederatedTypeConfigs). */
  registrations: readonly TypeRegistration[];
  placement: FederatePlacement;
  /** Namespace for namespaced objects that name none. Default "default". */
  defaultNamespace?: string;
  /** Names the documents in errors, e.g. "deploy.yaml". */
  source?: string;
}

/**
 * The federated form of each document, in order.
 * @throws CliError naming the document when it is not an object with apiVersion, kind and
 *   metadata.name, is already federated, or has no federated type.
 */
export function federateManifests(input: FederateInput): Obj[] {
  const source = input.source ?? 'input';
  return input.documents.map((doc, i) => {
    const where = `document ${i + 1} of ${source}`;
    if (!isObj(doc)) throw new CliError(`cannot federate ${where}: not an object`);
    const { apiVersion, kind } = doc;
    const meta = isObj(doc['metadata']) ? doc['metadata'] : undefined;
    const name = meta?.['name'];
    if (
      typeof apiVersion !== 'string' ||
      typeof kind !== 'string' ||
      typeof name !== 'string' ||
      name === ''
    ) {
      throw new CliError(`cannot federate ${where}: apiVersion, kind and metadata.name are required`);
    }
    const { group } = splitApiVersion(apiVersion);
    if (group === 'types.kubefed.io' || group === 'scheduling.kubefed.io' || group === 'core.kubefed.io') {
      throw new CliError(`cannot federate ${where} (${kind}/${name}): it is already a kubefed kind`);
    }
    const reg = input.registrations.find((r) => r.target.group === group && r.target.kind === kind);
    if (!reg) {
      throw new CliError(
        `cannot federate ${where} (${kind}/${name}): no federated type for ${apiVersion} ${kind}`,
        {
          hint: 'apply a FederatedTypeConfig for it first (core.kubefed.io/v1beta1)',
        },
      );
    }
    const isNamespace = group === '' && kind === 'Namespace';
    const metadata: Obj = { name };
    if (isNamespace) metadata['namespace'] = name;
    else if (reg.namespaced)
      metadata['namespace'] =
        typeof meta?.['namespace'] === 'string' ? meta['namespace'] : (input.defaultNamespace ?? 'default');
    if (isObj(meta?.['labels'])) metadata['labels'] = structuredClone(meta['labels']);
    const placement =
      'clusters' in input.placement
        ? { clusters: input.placement.clusters.map((c) => ({ name: c })) }
        : { clusterSelector: { matchLabels: { ...input.placement.matchLabels } } };
    return {
      apiVersion: FEDERATED_API_VERSION,
      kind: reg.federatedKind,
      metadata,
      spec: { template: toTemplate(doc), placement },
    };
  });
}
