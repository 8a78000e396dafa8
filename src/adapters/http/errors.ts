// The one table from domain errors to the codes and statuses of docs/api.md. Nothing else sets an error status.
import { DomainError, type DomainErrorCode } from '../../domain/shared/errors.js';

export type ErrorCode =
  | DomainErrorCode
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'OUTSIDE_WORKING_HOURS'
  | 'METHOD_NOT_ALLOWED'
  | 'REQUEST_TIMEOUT'
  | 'HEADERS_TOO_LARGE'
  | 'UPGRADE_REQUIRED'
  | 'INTERNAL_ERROR';

/** Each code's status; a code is added here (the type makes the table whole) and nowhere else. */
export const STATUS_OF: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  OUTSIDE_WORKING_HOURS: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  REQUEST_TIMEOUT: 408,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  QUOTA_EXCEEDED: 413,
  VALIDATION_ERROR: 422,
  IDEMPOTENCY_KEY_REUSED: 422,
  UPGRADE_REQUIRED: 426,
  RATE_LIMITED: 429,
  HEADERS_TOO_LARGE: 431,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
};

/** Every code the API answers with, in the order of their statuses: the error schema's enum. */
export const ERROR_CODES = Object.keys(STATUS_OF) as readonly ErrorCode[];

/** An error raised by the HTTP edge itself (bad JSON, body too large, unknown route). */
export class HttpError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Headers the answer needs (`Allow` on a 405). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

export interface ErrorBody {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details?: ReadonlyArray<{ field: string; message: string }>;
}

export interface MappedError {
  readonly status: number;
  readonly body: ErrorBody;
  readonly headers: Record<string, string>;
  /** True when the error was not one we expected: log it with its stack. */
  readonly unexpected: boolean;
}

export function mapError(error: unknown): MappedError {
  if (error instanceof DomainError) {
    const headers: Record<string, string> = {};
    if ('retryAfterSeconds' in error && typeof error.retryAfterSeconds === 'number') {
      headers['Retry-After'] = retryAfter(error.retryAfterSeconds);
    }
    if (error.code === 'UNAUTHENTICATED') headers['WWW-Authenticate'] = 'Bearer realm="teamflow"';
    const details = 'details' in error ? (error.details as ErrorBody['details']) : undefined;
    return {
      status: STATUS_OF[error.code],
      body: { code: error.code, message: error.message, ...(details && { details }) },
      headers,
      unexpected: false,
    };
  }
  if (error instanceof HttpError) {
    return {
      status: STATUS_OF[error.code],
      body: { code: error.code, message: error.message },
      headers: { ...error.headers },
      unexpected: false,
    };
  }
  return {
    status: 500,
    body: { code: 'INTERNAL_ERROR', message: 'An unexpected error occurred' },
    headers: {},
    unexpected: true,
  };
}

/** Retry-After in whole seconds, at least 1. */
export const retryAfter = (seconds: number) => String(Math.max(1, Math.ceil(seconds)));
