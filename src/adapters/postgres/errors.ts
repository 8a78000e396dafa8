// Maps PostgreSQL error codes to domain errors at the repository edge.
import { ConflictError, PreconditionFailedError } from '../../domain/shared/errors.js';

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
