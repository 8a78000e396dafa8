// Row versions for the last mutable rows without one: memberships (a role change), labels and
// task types. Each answers an ETag and honours If-Match like every other versioned resource; a
// write bumps the version, and a write with an expected version matches the row only while the
// version is still that one. Task types become renamable, hence the UPDATE grant.
// Frozen in time: never import from src/. One statement per query (PGlite).
import { sql, type Kysely, type RawBuilder } from 'kysely';

const TABLES = ['memberships', 'labels', 'task_types'] as const;

const UP: RawBuilder<unknown>[] = [
  ...TABLES.map(
    (table) => sql`ALTER TABLE ${sql.table(table)} ADD COLUMN version integer NOT NULL DEFAULT 1`,
  ),
  sql`GRANT UPDATE ON task_types TO teamflow_app`,
];

const DOWN: RawBuilder<unknown>[] = [
  sql`REVOKE UPDATE ON task_types FROM teamflow_app`,
  ...TABLES.map((table) => sql`ALTER TABLE ${sql.table(table)} DROP COLUMN version`),
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of UP) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of DOWN) await statement.execute(db);
}
