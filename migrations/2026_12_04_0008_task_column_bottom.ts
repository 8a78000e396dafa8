// The bottom of a kanban column, under the column's lock, for a create that is one statement. A
// create takes the project row (its key's number) and then the column's advisory lock, and puts
// the task below the column's last committed task. In one statement the position could not be
// read after the lock: a statement's snapshot is taken when it starts, before it waits. A VOLATILE
// function takes a fresh snapshot for each statement it runs, so this one takes the lock, then
// reads the column as it is once the lock is held. Runs as the caller: row-level security applies.
// The lock's key is the one the application takes for the column (hashtextextended(status id, 7)).
// Frozen in time: never import from src/. One statement per query (PGlite).
import { sql, type Kysely, type RawBuilder } from 'kysely';

const UP: RawBuilder<unknown>[] = [
  sql`
    CREATE FUNCTION app_task_column_bottom(organization uuid, project uuid, status uuid)
    RETURNS bigint LANGUAGE plpgsql VOLATILE SET search_path = public AS $$
    DECLARE
      bottom bigint;
    BEGIN
      PERFORM pg_advisory_xact_lock(hashtextextended(status::text, 7));
      SELECT t.position INTO bottom FROM tasks AS t
      WHERE t.organization_id = organization AND t.project_id = project
        AND t.status_id = status AND t.deleted_at IS NULL
      ORDER BY t.position DESC, t.id DESC
      LIMIT 1;
      RETURN bottom;
    END
    $$
  `,
  sql`REVOKE EXECUTE ON FUNCTION app_task_column_bottom(uuid, uuid, uuid) FROM PUBLIC`,
  sql`GRANT EXECUTE ON FUNCTION app_task_column_bottom(uuid, uuid, uuid) TO teamflow_app`,
];

const DOWN: RawBuilder<unknown>[] = [sql`DROP FUNCTION app_task_column_bottom(uuid, uuid, uuid)`];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of UP) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of DOWN) await statement.execute(db);
}
