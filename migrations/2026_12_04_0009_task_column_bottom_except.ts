// The bottom of a kanban column leaving one task out, for a move to the bottom that is one
// UPDATE, and for a create (which leaves out its own new id: nothing). Like app_task_column_bottom
// of migration 0008, which it overloads: it takes the column's lock, then reads the column with a
// snapshot taken once the lock is held. A task already at the bottom of its column stays where
// the others end. The application calls only this one; 0008's stays for servers still running
// the code before it (a rolling deploy), for a later migration to drop.
// Frozen in time: never import from src/. One statement per query (PGlite).
import { sql, type Kysely, type RawBuilder } from 'kysely';

const UP: RawBuilder<unknown>[] = [
  sql`
    CREATE FUNCTION app_task_column_bottom(organization uuid, project uuid, status uuid, except_task uuid)
    RETURNS bigint LANGUAGE plpgsql VOLATILE SET search_path = public AS $$
    DECLARE
      bottom bigint;
    BEGIN
      PERFORM pg_advisory_xact_lock(hashtextextended(status::text, 7));
      SELECT t.position INTO bottom FROM tasks AS t
      WHERE t.organization_id = organization AND t.project_id = project
        AND t.status_id = status AND t.deleted_at IS NULL AND t.id <> except_task
      ORDER BY t.position DESC, t.id DESC
      LIMIT 1;
      RETURN bottom;
    END
    $$
  `,
  sql`REVOKE EXECUTE ON FUNCTION app_task_column_bottom(uuid, uuid, uuid, uuid) FROM PUBLIC`,
  sql`GRANT EXECUTE ON FUNCTION app_task_column_bottom(uuid, uuid, uuid, uuid) TO teamflow_app`,
];

const DOWN: RawBuilder<unknown>[] = [
  sql`DROP FUNCTION app_task_column_bottom(uuid, uuid, uuid, uuid)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of UP) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of DOWN) await statement.execute(db);
}
