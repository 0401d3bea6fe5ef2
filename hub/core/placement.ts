/**
 * kubefed placement: which member clusters a federated resource goes to.
 */
import { matchesLabelSelector } from './label-selector.ts';
import type { ClusterInfo, Placement } from './model.ts';

/**
 * The names (sorted) of the known clusters `placement` selects. Cluster readiness plays no part.
 *
 * Nil and empty differ, as in kubefed:
 * - `clusters` present, even `[]`, means exactly those names and `clusterSelector` is ignored;
 *   `clusters: []` selects nothing.
 * - `clusters` absent: an absent `clusterSelector` selects nothing, an empty one (`{}`) selects every
 *   cluster, otherwise clusters whose labels match matchLabels AND matchExpressions.
 * - No placement at all selects nothing.
 * Names of unknown clusters are dropped.
 */
export function computePlacement(clusters: ClusterInfo[], placement: Placement | undefined): string[] {
  const selected = new Set<string>();
  if (placement?.clusters !== undefined) {
    const known = new Set(clusters.map((c) => c.name));
    for (const { name } of placement.clusters) if (known.has(name)) selected.add(name);
  } else {
    for (const c of clusters)
      if (matchesLabelSelector(c.labels, placement?.clusterSelector)) selected.add(c.name);
  }
  return [...selected].sort();
}
