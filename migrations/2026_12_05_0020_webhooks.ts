// Webhooks: an organization's endpoints, and per endpoint a delivery per event it subscribes to.
// The deliveries table is both the queue the worker sends from (status 'pending', due at
// next_attempt_at, claimed with a lease) and the log the API shows; webhook_attempts keeps every
// try. A delivery is unique per (endpoint, event): the consumer that writes them may see an event
// twice. The secrets are stored as they are: the worker signs with them.
//
// Two SECURITY DEFINER functions reach across organizations (row-level security shows one at a
// time): webhook_enqueue, which the events consumer calls in the cursor's transaction, and
// webhook_claim, the worker's claim of due deliveries. Everything else runs in the organization's
// scope. Frozen in time: never import from src/. One statement per query (PGlite).
import { sql, type Kysely, type RawBuilder } from 'kysely';

const tenantTable = (table: string): RawBuilder<unknown>[] => [
  sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ${sql.table(table)} TO teamflow_app`,
  sql`ALTER TABLE ${sql.table(table)} ENABLE ROW LEVEL SECURITY`,
  sql`
    CREATE POLICY tenant_isolation ON ${sql.table(table)}
    USING (organization_id = app_current_organization())
    WITH CHECK (organization_id = app_current_organization())
  `,
];

const UP: RawBuilder<unknown>[] = [
  sql`
    CREATE TABLE webhook_endpoints (
      organization_id uuid NOT NULL REFERENCES organizations (id),
      id uuid NOT NULL,
      url text NOT NULL CHECK (char_length(url) <= 2000),
      description text NOT NULL DEFAULT '' CHECK (char_length(description) <= 500),
      events text[] NOT NULL CHECK (cardinality(events) BETWEEN 1 AND 100),
      active boolean NOT NULL DEFAULT true,
      secret text NOT NULL,
      previous_secret text,
      previous_secret_expires_at timestamptz,
      failing_since timestamptz,
      disabled_at timestamptz,
      version integer NOT NULL DEFAULT 1,
      created_by uuid,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (organization_id, id)
    )
  `,
  sql`
    CREATE TABLE webhook_deliveries (
      organization_id uuid NOT NULL,
      id uuid NOT NULL,
      endpoint_id uuid NOT NULL,
      event_id uuid,
      event_type text NOT NULL,
      body text NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      tries integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz,
      claim uuid,
      locked_until timestamptz,
      last_status_code integer,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (organization_id, id),
      FOREIGN KEY (organization_id, endpoint_id)
        REFERENCES webhook_endpoints (organization_id, id) ON DELETE CASCADE,
      UNIQUE (endpoint_id, event_id)
    )
  `,
  sql`
    CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at)
    WHERE status = 'pending'
  `,
  sql`
    CREATE INDEX webhook_deliveries_log_idx
    ON webhook_deliveries (organization_id, endpoint_id, created_at DESC, id DESC)
  `,
  sql`
    CREATE TABLE webhook_attempts (
      organization_id uuid NOT NULL,
      delivery_id uuid NOT NULL,
      attempt integer NOT NULL,
      request_id text NOT NULL,
      status_code integer,
      error text,
      duration_ms integer NOT NULL,
      response_excerpt text NOT NULL DEFAULT '',
      attempted_at timestamptz NOT NULL,
      PRIMARY KEY (organization_id, delivery_id, attempt),
      FOREIGN KEY (organization_id, delivery_id)
        REFERENCES webhook_deliveries (organization_id, id) ON DELETE CASCADE
    )
  `,
  ...tenantTable('webhook_endpoints'),
  ...tenantTable('webhook_deliveries'),
  ...tenantTable('webhook_attempts'),
  // One delivery per active endpoint of the organization that subscribes to one of `patterns`
  // (the event's type, its family's `family.*`, `*`), due at once; a repeat of the event adds none.
  sql`
    CREATE FUNCTION webhook_enqueue(
      org uuid, evt_id uuid, evt_type text, patterns text[], evt_body text, due_at timestamptz
    ) RETURNS integer
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public AS $$
      WITH added AS (
        INSERT INTO webhook_deliveries (organization_id, id, endpoint_id, event_id, event_type,
          body, next_attempt_at, created_at, updated_at)
        SELECT e.organization_id, gen_random_uuid(), e.id, evt_id, evt_type, evt_body, due_at, due_at,
          due_at
        FROM webhook_endpoints e
        WHERE e.organization_id = org AND e.active AND e.events && patterns
        ON CONFLICT (endpoint_id, event_id) DO NOTHING
        RETURNING 1
      )
      SELECT count(*)::integer FROM added
    $$
  `,
  // Claims up to max_rows pending deliveries due at `due_at` whose endpoint is active and whose lease
  // (if any) ran out: a worker killed mid-send loses its claim when locked_until passes.
  sql`
    CREATE FUNCTION webhook_claim(
      due_at timestamptz, lease_until timestamptz, claim_id uuid, max_rows integer
    )
    RETURNS TABLE (
      organization_id uuid, id uuid, endpoint_id uuid, event_type text, body text,
      attempts integer, tries integer, url text, secret text, previous_secret text,
      previous_secret_expires_at timestamptz
    )
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public AS $$
      WITH due AS (
        SELECT d.organization_id, d.id FROM webhook_deliveries d
        JOIN webhook_endpoints e ON e.organization_id = d.organization_id AND e.id = d.endpoint_id
        WHERE d.status = 'pending' AND d.next_attempt_at <= due_at
          AND (d.locked_until IS NULL OR d.locked_until <= due_at) AND e.active
        ORDER BY d.next_attempt_at
        LIMIT max_rows
        FOR UPDATE OF d SKIP LOCKED
      ), claimed AS (
        UPDATE webhook_deliveries d SET claim = claim_id, locked_until = lease_until
        FROM due WHERE d.organization_id = due.organization_id AND d.id = due.id
        RETURNING d.*
      )
      SELECT c.organization_id, c.id, c.endpoint_id, c.event_type, c.body, c.attempts, c.tries,
        e.url, e.secret, e.previous_secret, e.previous_secret_expires_at
      FROM claimed c
      JOIN webhook_endpoints e ON e.organization_id = c.organization_id AND e.id = c.endpoint_id
    $$
  `,
  ...[
    'webhook_enqueue(uuid, uuid, text, text[], text, timestamptz)',
    'webhook_claim(timestamptz, timestamptz, uuid, integer)',
  ].flatMap((signature) => [
    sql`REVOKE EXECUTE ON FUNCTION ${sql.raw(signature)} FROM PUBLIC`,
    sql`GRANT EXECUTE ON FUNCTION ${sql.raw(signature)} TO teamflow_app`,
  ]),
];

const DOWN: RawBuilder<unknown>[] = [
  sql`DROP FUNCTION webhook_claim(timestamptz, timestamptz, uuid, integer)`,
  sql`DROP FUNCTION webhook_enqueue(uuid, uuid, text, text[], text, timestamptz)`,
  sql`DROP TABLE webhook_attempts`,
  sql`DROP TABLE webhook_deliveries`,
  sql`DROP TABLE webhook_endpoints`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of UP) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of DOWN) await statement.execute(db);
}
