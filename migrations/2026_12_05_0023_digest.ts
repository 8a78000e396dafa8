// The daily digest (the organization setting `settings.digest`): a row per digest sent, keyed by
// organization, recipient and local date. The scheduler inserts it with ON CONFLICT DO NOTHING in
// the transaction that enqueues the mail, and enqueues only when its row went in: whatever number
// of workers tick at once, the key lets one mail per (organization, recipient, date) commit.
//
// The scheduler looks across organizations for the ones whose digest is on: row-level security
// shows it one at a time, so it reads them through a narrow SECURITY DEFINER function (as the
// dispatcher reads events, migration 0016), then works in each organization's own scope.
// Frozen in time: never import from src/. One statement per query (PGlite).
import { sql, type Kysely, type RawBuilder } from 'kysely';

const UP: RawBuilder<unknown>[] = [
  sql`
    CREATE TABLE digest_runs (
      organization_id uuid NOT NULL REFERENCES organizations (id),
      user_id uuid NOT NULL REFERENCES users (id),
      local_date date NOT NULL,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (organization_id, user_id, local_date)
    )
  `,
  sql`GRANT SELECT, INSERT ON digest_runs TO teamflow_app`,
  sql`ALTER TABLE digest_runs ENABLE ROW LEVEL SECURITY`,
  sql`
    CREATE POLICY tenant_isolation ON digest_runs
    USING (organization_id = app_current_organization())
    WITH CHECK (organization_id = app_current_organization())
  `,
  // The live organizations whose digest is on, with what the scheduler needs to tell if one is due.
  sql`
    CREATE FUNCTION digest_organizations()
    RETURNS TABLE (id uuid, name text, slug text, timezone text, digest jsonb)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
      SELECT o.id, o.name, o.slug, o.timezone, o.settings -> 'digest' FROM organizations o
      WHERE o.deleted_at IS NULL AND (o.settings -> 'digest' ->> 'enabled')::boolean
      ORDER BY o.id
    $$
  `,
  sql`REVOKE EXECUTE ON FUNCTION digest_organizations() FROM PUBLIC`,
  sql`GRANT EXECUTE ON FUNCTION digest_organizations() TO teamflow_app`,
];

const DOWN: RawBuilder<unknown>[] = [
  sql`DROP FUNCTION digest_organizations()`,
  sql`DROP TABLE digest_runs`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of UP) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of DOWN) await statement.execute(db);
}
