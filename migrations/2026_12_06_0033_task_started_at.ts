// When a task first entered an in-progress status (analytics: cycle time runs from there to
// completed_at). Kept by a trigger on every write path alike (create, PATCH, move, bulk, a
// workflow replacement that moves tasks): the first time a task's status is one of category
// in_progress, started_at takes the row's updated_at (the application's clock, as every other
// time of the task), and it never changes after. Existing tasks get it from their history: the
// earliest row that put them in an in-progress status (created rows included). An index serves
// the completions of a period. Frozen in time: never import from src/. One statement per query.
import { sql, type Kysely, type RawBuilder } from 'kysely';

const UP: RawBuilder<unknown>[] = [
  sql`ALTER TABLE tasks ADD COLUMN started_at timestamptz`,
  sql`
    CREATE FUNCTION tasks_started_at() RETURNS trigger
    LANGUAGE plpgsql SET search_path = public AS $$
    BEGIN
      IF NEW.started_at IS NULL AND EXISTS (
        SELECT 1 FROM project_statuses s
        WHERE s.organization_id = NEW.organization_id AND s.id = NEW.status_id
          AND s.category = 'in_progress'
      ) THEN
        NEW.started_at := NEW.updated_at;
      END IF;
      RETURN NEW;
    END
    $$
  `,
  sql`
    CREATE TRIGGER tasks_started_at BEFORE INSERT OR UPDATE OF status_id ON tasks
    FOR EACH ROW EXECUTE FUNCTION tasks_started_at()
  `,
  sql`
    UPDATE tasks t SET started_at = first.at
    FROM (
      SELECT h.organization_id, h.task_id, min(h.at) AS at
      FROM task_history h
      JOIN project_statuses s ON s.organization_id = h.organization_id
        AND s.id::text = h.changes -> 'status_id' ->> 'to'
      WHERE s.category = 'in_progress'
      GROUP BY h.organization_id, h.task_id
    ) first
    WHERE t.organization_id = first.organization_id AND t.id = first.task_id
  `,
  sql`
    CREATE INDEX tasks_completed_idx ON tasks (organization_id, completed_at)
    WHERE deleted_at IS NULL AND completed_at IS NOT NULL
  `,
];

const DOWN: RawBuilder<unknown>[] = [
  sql`DROP INDEX tasks_completed_idx`,
  sql`DROP TRIGGER tasks_started_at ON tasks`,
  sql`DROP FUNCTION tasks_started_at()`,
  sql`ALTER TABLE tasks DROP COLUMN started_at`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of UP) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of DOWN) await statement.execute(db);
}
