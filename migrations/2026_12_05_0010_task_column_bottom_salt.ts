// The bottom of a kanban column, as app_task_column_bottom of migration 0009, with the column
// lock's salt given by the caller instead of written into the function: the application defines
// it once (ADVISORY_LOCK_SALT) for every advisory lock it takes. 0008's and 0009's functions
// stay for servers still running the code before this one (a rolling deploy), for a later
// migration to drop.
// Frozen in time: never import from src/. One statement per query (PGlite).
import { sql, type Kysely, type RawBuilder } from 'kysely';

const UP: RawBuilder<unknown>[] = [
  sql`
    CREATE FUNCTION app_task_column_bottom(
      organization uuid, project uuid, status uuid, except_task uuid, lock_salt bigint
    )
    RETURNS bigint LANGUAGE plpgsql VOLATILE SET search_path = public AS $$
    DECLARE
      bottom bigint;
    BEGIN
      PERFORM pg_advisory_xact_lock(hashtextextended(status::text, lock_salt));
      SELECT t.position INTO bottom FROM tasks AS t
      WHERE t.organization_id = organization AND t.project_id = project
        AND t.status_id = status AND t.deleted_at IS NULL AND t.id <> except_task
      ORDER BY t.position DESC, t.id DESC
      LIMIT 1;
      RETURN bottom;
    END
    $$
  `,
  sql`REVOKE EXECUTE ON FUNCTION app_task_column_bottom(uuid, uuid, uuid, uuid, bigint) FROM PUBLIC`,
  sql`GRANT EXECUTE ON FUNCTION app_task_column_bottom(uuid, uuid, uuid, uuid, bigint) TO teamflow_app`,
];

const DOWN: RawBuilder<unknown>[] = [
  sql`DROP FUNCTION app_task_column_bottom(uuid, uuid, uuid, uuid, bigint)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of UP) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of DOWN) await statement.execute(db);
}
