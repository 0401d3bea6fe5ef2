/**
 * The pure core functions the write path uses, gathered in one place so a change of name or
 * module in hub/core touches only this file.
 */
export {
  parseDocuments,
  validateDocument,
  MalformedDocumentError,
  DocumentLimitError,
} from '../core/documents.ts';
export {
  createTypeRegistry,
  typeRegistrationFromTypeConfig,
  type TypeRegistry,
} from '../core/type-registry.ts';
export { matchesLabelSelector, parseLabelSelectorString } from '../core/label-selector.ts';
export { computeMemberObjects } from '../core/member-objects.ts';
export { canonicalJson } from '../core/hash.ts';
