// Idempotency-Key: the first response to a POST, kept per (organization, key) for 24 h, and the
// claim that makes concurrent repeats wait for it. A tenant table under row-level security.
// Frozen in time: never import from src/. One statement per query (PGlite).
import { sql, type Kysely, type RawBuilder } from 'kysely';

const UP: RawBuilder<unknown>[] = [
  // `claim_id` names the attempt that holds the key: only that attempt may store its response or
  // release the key, so an attempt presumed dead (past `locked_until`) that wakes up later cannot
  // overwrite the answer of the attempt that took over. `key` is C-collated: compared byte for byte.
  // The body is text, not jsonb: a replay sends the very bytes of the first answer (jsonb would
  // reorder its keys).
  sql`
    CREATE TABLE idempotency_keys (
      organization_id uuid NOT NULL REFERENCES organizations (id),
      key text COLLATE "C" NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
      request_hash text NOT NULL,
      state text NOT NULL CHECK (state IN ('in_progress', 'completed')),
      claim_id uuid NOT NULL,
      response_status integer,
      response_headers jsonb,
      response_body text,
      created_at timestamptz NOT NULL,
      locked_until timestamptz,
      expires_at timestamptz NOT NULL,
      PRIMARY KEY (organization_id, key),
      CHECK (state = 'in_progress' OR response_status IS NOT NULL)
    )
  `,
  // Purging expired rows of an organization reads them in expiry order.
  sql`CREATE INDEX idempotency_keys_expiry_idx ON idempotency_keys (organization_id, expires_at)`,
  sql`GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_keys TO teamflow_app`,
  sql`ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY`,
  sql`
    CREATE POLICY tenant_isolation ON idempotency_keys
    USING (organization_id = app_current_organization())
    WITH CHECK (organization_id = app_current_organization())
  `,
];

const DOWN: RawBuilder<unknown>[] = [sql`DROP TABLE idempotency_keys`];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of UP) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of DOWN) await statement.execute(db);
}
