// Row types of the idempotency tables (kept apart so areas can grow without touching database.ts).
import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** jsonb: written as JSON text, read back parsed. */
type Json<T> = ColumnType<T, string | null, string | null>;

export interface IdempotencyKeysTable {
  organization_id: string;
  key: string;
  /** SHA-256 (hex) of the request the key was first used with. */
  request_hash: string;
  state: 'in_progress' | 'completed';
  /** The attempt holding the key; only it may complete or release it. */
  claim_id: string;
  response_status: number | null;
  response_headers: Json<Record<string, string> | null>;
  /** The response body as sent (JSON text); null for an empty body. */
  response_body: string | null;
  created_at: Timestamp;
  /** While in progress: after this the attempt counts as abandoned and the key can be claimed again. */
  locked_until: Timestamp | null;
  /** After this the row counts as absent. */
  expires_at: Timestamp;
}

export interface IdempotencyTables {
  idempotency_keys: IdempotencyKeysTable;
}
