/**
 * Named errors shared by hub and agent. Each carries what a caller needs to act on; the
 * mapping to gRPC status and HTTP status lives in one place per transport.
 */

export class FedhubError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad input: a document, field and reason. HTTP 400/422, gRPC INVALID_ARGUMENT. */
export class ValidationError extends FedhubError {
  readonly field: string;
  readonly document: number | undefined;
  constructor(field: string, reason: string, document?: number) {
    super(`${document !== undefined ? `document ${document}: ` : ''}${field}: ${reason}`);
    this.field = field;
    this.document = document;
  }
}

/** Configuration that cannot work; thrown while options are compiled, before anything starts. */
export class ConfigError extends FedhubError {}

export class NotFoundError extends FedhubError {
  readonly what: string;
  constructor(what: string) {
    super(`${what} not found`);
    this.what = what;
  }
}

export class AlreadyExistsError extends FedhubError {}
export class UnauthenticatedError extends FedhubError {}
export class PermissionDeniedError extends FedhubError {}
