// Maps PostgreSQL error codes to domain errors at the repository edge.
import {
  ConflictError,
  PreconditionFailedError,
  ServiceUnavailableError,
} from '../../domain/shared/errors.js';

const UNIQUE_VIOLATION = '23505';

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, constraint: name } = error as { code?: unknown; constraint?: unknown };
  return code === UNIQUE_VIOLATION && (constraint === undefined || name === constraint);
}

/** Runs `write`; a unique violation (of `constraint`, if given) becomes a ConflictError. */
export async function conflictOnUnique<T>(
  write: () => Promise<T>,
  message: string,
  constraint?: string,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error, constraint)) throw new ConflictError(message);
    throw error;
  }
}

/**
 * After a versioned write matched no row: a version miss (412) when the row is still there,
 * else the row is gone (undefined). Without an expected version, nothing matched means gone.
 */
export async function versionMissOrGone(
  expectedVersion: number | undefined,
  stillThere: () => Promise<unknown>,
): Promise<undefined> {
  if (expectedVersion === undefined) return undefined;
  if (await stillThere()) throw new PreconditionFailedError();
  return undefined;
}

/**
 * SQLSTATEs that mean the server went away or will not take us now: 57P01 admin_shutdown (a fast
 * restart, a terminated backend, a postmaster that died), 57P02 crash_shutdown, 57P03
 * cannot_connect_now (starting up, shutting down, in recovery), 53300 too_many_connections, and
 * the whole class 08 (connection exception).
 */
const UNAVAILABLE_CODES = new Set(['57P01', '57P02', '57P03', '53300']);

/** Socket errors of a connection that was refused, cut or never made. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * pg reports a lost connection, a connect timeout and a client that can no longer query with
 * plain Errors that carry no code: their messages are the only thing to go by (pg 8's wording,
 * covered by test/unit/adapters/database-unavailable.test.ts).
 */
const PG_LOST_CONNECTION = [
  /^Connection terminated/, // "… unexpectedly", "… due to connection timeout", "Connection terminated"
  /^timeout exceeded when trying to connect$/,
  /^Client has encountered a connection error and is not queryable$/,
  /^Client was closed and is not queryable$/,
];

/**
 * True when `error` says the database cannot be reached or dropped the connection, as opposed to
 * a statement that failed on a working connection: the first is the server's state (503, retry
 * later), the second the request's or ours.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 3) return false;
  const { code, message, cause, errors } = error as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (error instanceof DatabaseUnavailableError) return true;
  if (typeof code === 'string') {
    if (UNAVAILABLE_CODES.has(code) || SOCKET_CODES.has(code)) return true;
    if (/^08[0-9A-Z]{3}$/.test(code)) return true;
  }
  if (typeof message === 'string' && PG_LOST_CONNECTION.some((p) => p.test(message))) return true;
  // Node wraps the attempts at several addresses in an AggregateError; pg wraps a timeout's cause.
  if (Array.isArray(errors) && errors.some((e) => isDatabaseUnavailable(e, depth + 1))) return true;
  return cause !== undefined && isDatabaseUnavailable(cause, depth + 1);
}

/** Seconds a client should wait before retrying: a restart or a failover takes a few. */
const RETRY_AFTER_SECONDS = 2;

/**
 * The database is unreachable or dropped the connection: 503 with Retry-After. The driver's error
 * (which names the host and port) stays in `cause`, for the log, never for the response.
 */
export class DatabaseUnavailableError extends ServiceUnavailableError {
  constructor(cause: unknown) {
    super('The database is temporarily unavailable', RETRY_AFTER_SECONDS);
    this.cause = cause;
  }
}

/** The error to throw in place of `error`: a DatabaseUnavailableError when the database is gone. */
export function unavailableOr(error: unknown): unknown {
  if (error instanceof DatabaseUnavailableError || !isDatabaseUnavailable(error)) return error;
  return new DatabaseUnavailableError(error);
}
