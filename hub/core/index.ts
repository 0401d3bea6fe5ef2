/**
 * The hub's pure core in one import: parsing and validation of submitted documents, the type
 * registry, placement, overrides, member objects, replica planning and status aggregation.
 */
export type * from './model.ts';
export {
  aggregateStatus,
  type AggregateStatus,
  type ClusterStatusInput,
  type ClusterStatusLine,
} from './aggregate-status.ts';
export { setCondition, type Condition } from './condition.ts';
export {
  DocumentLimitError,
  MalformedDocumentError,
  parseDocuments,
  type DocumentLimits,
} from './documents.ts';
export { canonicalJson } from './hash.ts';
export { matchesLabelSelector, parseLabelSelectorString, validateLabelSelector } from './label-selector.ts';
export { computeMemberObjects, type MemberObjectsContext } from './member-objects.ts';
export {
  FORBIDDEN_OVERRIDE_PATHS,
  applyOverrides,
  validateOverrides,
  type ApplyOverridesResult,
} from './overrides.ts';
export { computePlacement } from './placement.ts';
export {
  BUILTIN_TYPES,
  FEDERATED_API_VERSION,
  REPLICAS_PATH,
  TYPE_CONFIG_API_VERSION,
  checkRegistrationFits,
  createTypeRegistry,
  typeRegistrationFromTypeConfig,
  type TypeRegistry,
} from './type-registry.ts';
export { validateDocument } from './validate-document.ts';
export {
  RSP_API_VERSION,
  RSP_KIND,
  RSP_TARGET_KINDS,
  effectivePreferences,
  validateRspSpec,
  type RspSpec,
} from './validate-rsp.ts';
export {
  planReplicas,
  type ClusterPreference,
  type PlanInput,
  type ReplicaPlan,
} from '../scheduling/planner.ts';
export { fnv1_32 } from '../scheduling/fnv.ts';
