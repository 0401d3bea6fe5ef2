/**
 * The pure core functions the hub's write and read paths use, gathered in one place so a change
 * of name in hub/core touches only this file.
 */
export {
  aggregateStatus,
  canonicalJson,
  computeMemberObjects,
  createTypeRegistry,
  DocumentLimitError,
  MalformedDocumentError,
  matchesLabelSelector,
  parseDocuments,
  parseLabelSelectorString,
  typeRegistrationFromTypeConfig,
  validateDocument,
  type ClusterStatusInput,
  type TypeRegistry,
} from '../core/index.ts';
