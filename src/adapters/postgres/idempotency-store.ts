// Stored responses for Idempotency-Key. Being built.
import type { IdempotencyStore } from '../../application/shared/idempotency.js';
import type { Db } from './database.js';

export function postgresIdempotencyStore(_db: Db): IdempotencyStore {
  return {};
}
