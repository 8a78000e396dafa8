// The events table: one row per committed write of an organization, stored in the write's own
// transaction (so an event exists if and only if its change committed), kept for a retention
// period so that feeds and realtime clients can catch up.
//
// Order: `tx_id` is the writing transaction's id (pg_current_xact_id(), a 64-bit xid8 that never
// wraps), `seq` the order within it. Readers take events by (tx_id, seq) and only those of
// transactions older than every transaction still running (tx_id < the snapshot's xmin): a
// transaction that started earlier and commits later is never skipped by a reader that has
// moved past a later one, because the reader does not move past it until it has ended.
// Frozen in time: never import from src/. One statement per query (PGlite).
import { sql, type Kysely, type RawBuilder } from 'kysely';

const UP: RawBuilder<unknown>[] = [
  sql`
    CREATE TABLE events (
      organization_id uuid NOT NULL REFERENCES organizations (id),
      id uuid NOT NULL,
      tx_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
      seq bigint GENERATED ALWAYS AS IDENTITY,
      type text NOT NULL,
      subject_type text NOT NULL,
      subject_id text,
      subject_key text,
      actor_type text NOT NULL CHECK (actor_type IN ('user', 'apikey')),
      actor_id uuid NOT NULL,
      change jsonb NOT NULL DEFAULT '{}'::jsonb,
      project_id uuid,
      assignee_id uuid,
      reporter_id uuid,
      request_id text,
      occurred_at timestamptz NOT NULL,
      PRIMARY KEY (organization_id, id)
    )
  `,
  sql`CREATE INDEX events_position_idx ON events (organization_id, tx_id, seq)`,
  sql`CREATE INDEX events_time_idx ON events (occurred_at)`,
  sql`GRANT SELECT, INSERT ON events TO teamflow_app`,
  sql`ALTER TABLE events ENABLE ROW LEVEL SECURITY`,
  sql`
    CREATE POLICY tenant_isolation ON events
    USING (organization_id = app_current_organization())
    WITH CHECK (organization_id = app_current_organization())
  `,
];

const DOWN: RawBuilder<unknown>[] = [sql`DROP TABLE events`];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of UP) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of DOWN) await statement.execute(db);
}
