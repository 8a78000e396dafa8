// In-app notifications and the preferences that decide their channels.
//
// notifications: one row per recipient and event, or per run of changes one actor made to one task
// (task_id) within the coalescing window (the row's event_ids hold every event folded in, so a batch the
// worker hands over again is recognised and skipped). Rows are per user across organizations:
// the user's own rows are visible under app.user_id (the inbox routes), and an organization's
// under app.organization_id (the worker writes them in the event's organization).
// notification_preferences (per member) and notification_defaults (per organization) are tenant
// rows like any other.
// Frozen in time: never import from src/. One statement per query (PGlite).
import { sql, type Kysely, type RawBuilder } from 'kysely';

const UP: RawBuilder<unknown>[] = [
  sql`
    CREATE TABLE notifications (
      id uuid PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      organization_id uuid NOT NULL REFERENCES organizations (id),
      kind text NOT NULL,
      event_id uuid NOT NULL,
      event_ids uuid[] NOT NULL,
      event_type text NOT NULL,
      actor_type text NOT NULL CHECK (actor_type IN ('user', 'apikey')),
      actor_id uuid NOT NULL,
      subject_type text NOT NULL,
      subject_id text,
      subject_key text,
      project_id uuid,
      task_id uuid,
      count integer NOT NULL DEFAULT 1,
      channels text[] NOT NULL,
      deliver_after timestamptz,
      first_at timestamptz NOT NULL,
      last_at timestamptz NOT NULL,
      read_at timestamptz
    )
  `,
  sql`CREATE UNIQUE INDEX notifications_user_event_key ON notifications (user_id, event_id)`,
  sql`CREATE INDEX notifications_user_idx ON notifications (user_id, id DESC)`,
  sql`CREATE INDEX notifications_unread_idx ON notifications (user_id, organization_id) WHERE read_at IS NULL`,
  sql`
    CREATE INDEX notifications_coalesce_idx
    ON notifications (user_id, task_id, actor_id, kind, last_at DESC) WHERE task_id IS NOT NULL
  `,
  sql`CREATE INDEX notifications_last_at_idx ON notifications (last_at)`,
  sql`GRANT SELECT, INSERT, UPDATE ON notifications TO teamflow_app`,
  sql`ALTER TABLE notifications ENABLE ROW LEVEL SECURITY`,
  sql`
    CREATE POLICY own_notifications ON notifications
    USING (user_id = app_current_user())
    WITH CHECK (user_id = app_current_user())
  `,
  sql`
    CREATE POLICY tenant_isolation ON notifications
    USING (organization_id = app_current_organization())
    WITH CHECK (organization_id = app_current_organization())
  `,
  sql`
    CREATE TABLE notification_preferences (
      organization_id uuid NOT NULL REFERENCES organizations (id),
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      channels jsonb NOT NULL DEFAULT '{}'::jsonb,
      quiet_hours jsonb,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (organization_id, user_id)
    )
  `,
  sql`
    CREATE TABLE notification_defaults (
      organization_id uuid PRIMARY KEY REFERENCES organizations (id),
      channels jsonb NOT NULL DEFAULT '{}'::jsonb,
      updated_at timestamptz NOT NULL
    )
  `,
  ...['notification_preferences', 'notification_defaults'].flatMap((table) => [
    sql`GRANT SELECT, INSERT, UPDATE ON ${sql.table(table)} TO teamflow_app`,
    sql`ALTER TABLE ${sql.table(table)} ENABLE ROW LEVEL SECURITY`,
    sql`
      CREATE POLICY tenant_isolation ON ${sql.table(table)}
      USING (organization_id = app_current_organization())
      WITH CHECK (organization_id = app_current_organization())
    `,
  ]),
  // Retention crosses users and organizations: the worker deletes through this function only.
  sql`
    CREATE FUNCTION notifications_purge(older_than timestamptz, max_rows integer) RETURNS bigint
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public AS $$
      WITH doomed AS (
        SELECT id FROM notifications WHERE last_at < older_than LIMIT max_rows
      ), deleted AS (
        DELETE FROM notifications n USING doomed WHERE n.id = doomed.id RETURNING 1
      )
      SELECT count(*) FROM deleted
    $$
  `,
  sql`REVOKE EXECUTE ON FUNCTION notifications_purge(timestamptz, integer) FROM PUBLIC`,
  sql`GRANT EXECUTE ON FUNCTION notifications_purge(timestamptz, integer) TO teamflow_app`,
];

const DOWN: RawBuilder<unknown>[] = [
  sql`DROP FUNCTION notifications_purge(timestamptz, integer)`,
  sql`DROP TABLE notification_defaults`,
  sql`DROP TABLE notification_preferences`,
  sql`DROP TABLE notifications`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of UP) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of DOWN) await statement.execute(db);
}
