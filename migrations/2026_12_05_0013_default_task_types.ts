// A new project starts with the task types Bug, Task and Story (the application writes them with
// the project); this gives them to the projects made before, those that have no task type at
// all. A project whose types were chosen (any type) is left as it is. The three are ordinary
// types: renamed or deleted like any other. Their order is Bug, Task, Story (a microsecond
// apart: types list by creation time).
// Down leaves them: once written they are the projects' data, like any type added by hand.
// Frozen in time: never import from src/. One statement per query (PGlite).
import { sql, type Kysely, type RawBuilder } from 'kysely';

const UP: RawBuilder<unknown>[] = [
  sql`
    INSERT INTO task_types (organization_id, id, project_id, name, created_at)
    SELECT p.organization_id, gen_random_uuid(), p.id, d.name,
           now() + d.ordinal * interval '1 microsecond'
    FROM projects AS p
    CROSS JOIN (VALUES ('Bug', 0), ('Task', 1), ('Story', 2)) AS d (name, ordinal)
    WHERE NOT EXISTS (
      SELECT 1 FROM task_types AS t
      WHERE t.organization_id = p.organization_id AND t.project_id = p.id
    )
  `,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of UP) await statement.execute(db);
}

export async function down(): Promise<void> {
  // Nothing to undo: see above.
}
