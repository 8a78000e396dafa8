// Tracking codes (public status lookup): every task of a project with public_lookup carries one,
// `<project key>-<10 Crockford base32 characters>` (50 random bits), unique across organizations
// because the public lookup names no organization. tracking_code_new draws the bits from
// gen_random_uuid() (pg_strong_random: the operating system's CSPRNG), ten bytes of the sixteen
// that carry no version or variant bits, five bits of each. public_task_status answers the lookup
// across organizations (SECURITY DEFINER: the caller has no organization scope), one statement
// whatever the code: an unknown code, a revoked one (no row carries it any more), one of a private
// project and one of a deleted task all give no row. Tasks of projects that are public already get
// their codes here. Frozen in time: never import from src/. One statement per query (PGlite).
import { sql, type Kysely, type RawBuilder } from 'kysely';

const UP: RawBuilder<unknown>[] = [
  sql`ALTER TABLE tasks ADD COLUMN tracking_code text`,
  sql`CREATE UNIQUE INDEX tasks_tracking_code_key ON tasks (tracking_code) WHERE tracking_code IS NOT NULL`,
  sql`
    CREATE FUNCTION tracking_code_new(project_key text) RETURNS text
    LANGUAGE sql VOLATILE SET search_path = public AS $$
      SELECT project_key || '-' || string_agg(
          substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', (get_byte(r.bytes, i) & 31) + 1, 1), ''
          ORDER BY n)
      FROM (SELECT uuid_send(gen_random_uuid()) AS bytes) r,
        unnest(array[0, 1, 2, 3, 4, 5, 7, 9, 10, 11]) WITH ORDINALITY AS picked(i, n)
    $$
  `,
  sql`REVOKE EXECUTE ON FUNCTION tracking_code_new(text) FROM PUBLIC`,
  sql`GRANT EXECUTE ON FUNCTION tracking_code_new(text) TO teamflow_app`,
  sql`
    CREATE FUNCTION public_task_status(code text)
    RETURNS TABLE (tracking_code text, title text, status text, status_category text,
      updated_at timestamptz)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
      SELECT t.tracking_code, t.title, s.name, s.category::text, t.updated_at
      FROM tasks t
      JOIN projects p ON p.organization_id = t.organization_id AND p.id = t.project_id
      JOIN project_statuses s ON s.organization_id = t.organization_id AND s.id = t.status_id
      WHERE t.tracking_code = code AND t.deleted_at IS NULL
        AND p.public_lookup AND p.deleted_at IS NULL
    $$
  `,
  sql`REVOKE EXECUTE ON FUNCTION public_task_status(text) FROM PUBLIC`,
  sql`GRANT EXECUTE ON FUNCTION public_task_status(text) TO teamflow_app`,
  sql`
    UPDATE tasks t SET tracking_code = tracking_code_new(p.key)
    FROM projects p
    WHERE p.organization_id = t.organization_id AND p.id = t.project_id AND p.public_lookup
  `,
];

const DOWN: RawBuilder<unknown>[] = [
  sql`DROP FUNCTION public_task_status(text)`,
  sql`DROP FUNCTION tracking_code_new(text)`,
  sql`DROP INDEX tasks_tracking_code_key`,
  sql`ALTER TABLE tasks DROP COLUMN tracking_code`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of UP) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of DOWN) await statement.execute(db);
}
