import { ValidationError } from '../../shared/errors.ts';
import { CLUSTER_HEALTHS, type ClusterHealth } from '../../shared/vocabulary.ts';
import type { Labels } from '../core/model.ts';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A cluster name is a DNS-1123 label: it appears in keys, logs and placement lists. */
export function checkClusterName(name: string, field = 'cluster_name'): void {
  if (name === '') throw new ValidationError(field, 'required');
  if (name.length > 63 || !DNS_LABEL.test(name)) {
    throw new ValidationError(
      field,
      `${JSON.stringify(name)} is not a DNS-1123 label (lowercase a-z, 0-9, '-', at most 63)`,
    );
  }
}

export function checkLabelKey(key: string, field: string): void {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
    throw new ValidationError(`${field}[${key}]`, 'label key prefix must be a DNS subdomain');
  }
  if (name.length === 0 || name.length > 63 || !LABEL_NAME.test(name)) {
    throw new ValidationError(`${field}[${key}]`, 'label key name must be 1-63 alphanumerics, -, _ or .');
  }
}

export function checkLabelValue(key: string, value: string, field: string): void {
  if (value.length > 63 || !LABEL_VALUE.test(value)) {
    throw new ValidationError(`${field}[${key}]`, 'label value must be at most 63 alphanumerics, -, _ or .');
  }
}

export function checkLabels(labels: Labels, field: string): void {
  for (const [k, v] of Object.entries(labels)) {
    checkLabelKey(k, field);
    checkLabelValue(k, v, field);
  }
}

/** Label changes from an admin: a string sets, null removes. */
export function checkLabelPatch(patch: unknown, field = 'labels'): Record<string, string | null> {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
    throw new ValidationError(field, 'must be an object of label names to string or null');
  }
  const out: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(patch)) {
    checkLabelKey(k, field);
    if (v === null) out[k] = null;
    else if (typeof v === 'string') {
      checkLabelValue(k, v, field);
      out[k] = v;
    } else throw new ValidationError(`${field}[${k}]`, 'must be a string or null');
  }
  return out;
}

export function toClusterHealth(value: string, field = 'health'): ClusterHealth {
  // An agent that says nothing about health is taken as healthy: it is alive enough to call.
  if (value === '') return 'Healthy';
  if (!(CLUSTER_HEALTHS as readonly string[]).includes(value)) {
    throw new ValidationError(
      field,
      `must be one of ${CLUSTER_HEALTHS.join(', ')}, got ${JSON.stringify(value)}`,
    );
  }
  return value as ClusterHealth;
}
