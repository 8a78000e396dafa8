// Domain errors: a handful of classes with stable codes; the HTTP adapter maps them to statuses in one table.

export interface FieldIssue {
  readonly field: string;
  readonly message: string;
}

export type DomainErrorCode =
  | 'BAD_REQUEST'
  | 'VALIDATION_ERROR'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PRECONDITION_FAILED'
  | 'PAYLOAD_TOO_LARGE'
  | 'QUOTA_EXCEEDED'
  | 'RATE_LIMITED'
  | 'SERVICE_UNAVAILABLE'
  | 'OUTSIDE_WORKING_HOURS';

export abstract class DomainError extends Error {
  abstract readonly code: DomainErrorCode;
}

export class ValidationError extends DomainError {
  readonly code = 'VALIDATION_ERROR';
  constructor(
    readonly details: readonly FieldIssue[],
    message = 'Invalid input data',
  ) {
    super(message);
  }
  static field(field: string, message: string): ValidationError {
    return new ValidationError([{ field, message }]);
  }
}

/** A request that is not malformed JSON yet cannot be understood (a token that fails its check). */
export class BadRequestError extends DomainError {
  readonly code = 'BAD_REQUEST';
}

export class UnauthenticatedError extends DomainError {
  readonly code = 'UNAUTHENTICATED';
  constructor(message = 'Authentication required') {
    super(message);
  }
}

export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN';
  constructor(message = 'You do not have permission to do this') {
    super(message);
  }
}

export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
  constructor(readonly resource: string) {
    super(`${resource} not found`);
  }
}

export class ConflictError extends DomainError {
  readonly code = 'CONFLICT';
}

export class PreconditionFailedError extends DomainError {
  readonly code = 'PRECONDITION_FAILED';
  constructor(message = 'The resource has changed since it was read') {
    super(message);
  }
}

export class RateLimitedError extends DomainError {
  readonly code = 'RATE_LIMITED';
  constructor(
    readonly retryAfterSeconds: number,
    message = 'Too many requests',
  ) {
    super(message);
  }
}

export class ServiceUnavailableError extends DomainError {
  readonly code = 'SERVICE_UNAVAILABLE';
  constructor(
    message = 'Service temporarily unavailable',
    readonly retryAfterSeconds = 5,
  ) {
    super(message);
  }
}

/** Throws NotFoundError; typed `never` so it reads as `await repo.get(id) ?? notFound('task')`. */
export function notFound(resource: string): never {
  throw new NotFoundError(resource);
}

/** The organization's write window forbids this actor's write at this time. */
export class OutsideWorkingHoursError extends DomainError {
  readonly code = 'OUTSIDE_WORKING_HOURS';
  constructor(message = 'Writes are not allowed outside the organization’s working hours') {
    super(message);
  }
}

/** A body (an uploaded file) over its size limit. */
export class PayloadTooLargeError extends DomainError {
  readonly code = 'PAYLOAD_TOO_LARGE';
}

/** A write that would take the organization over a quota (its attachments' bytes). */
export class QuotaExceededError extends DomainError {
  readonly code = 'QUOTA_EXCEEDED';
}
