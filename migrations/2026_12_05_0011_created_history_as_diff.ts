// A task's `created` history row records its creation as a diff from nothing, like every other
// change: `{field: {from: null, to: value}}`. Rows written before recorded a flat snapshot
// (`{key, title, status_id, priority, …}`); this rewrites them into the diff form, so old and new
// rows read alike. A row already in that form (every value an object) is left as it is.
// Frozen in time: never import from src/. One statement per query (PGlite).
import { sql, type Kysely, type RawBuilder } from 'kysely';

const UP: RawBuilder<unknown>[] = [
  sql`
    UPDATE task_history AS h
    SET changes = (
      SELECT coalesce(
        jsonb_object_agg(e.key, jsonb_build_object('from', null, 'to', e.value)), '{}'::jsonb)
      FROM jsonb_each(h.changes) AS e
    )
    WHERE h.action = 'created'
      AND EXISTS (SELECT 1 FROM jsonb_each(h.changes) AS e WHERE jsonb_typeof(e.value) <> 'object')
  `,
];

/** Back to the flat snapshot: each field's `to` (what the old code reads). */
const DOWN: RawBuilder<unknown>[] = [
  sql`
    UPDATE task_history AS h
    SET changes = (
      SELECT coalesce(jsonb_object_agg(e.key, e.value -> 'to'), '{}'::jsonb)
      FROM jsonb_each(h.changes) AS e
    )
    WHERE h.action = 'created'
      AND NOT EXISTS (
        SELECT 1 FROM jsonb_each(h.changes) AS e
        WHERE jsonb_typeof(e.value) <> 'object' OR NOT e.value ? 'to'
      )
  `,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of UP) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of DOWN) await statement.execute(db);
}
