// Retention of digest_runs (migration 0023): the record that a member had a local day's digest is
// needed while that day can still be sent (the scheduler catches up on the same local day only),
// so rows older than DIGEST_RUN_RETENTION_DAYS are deleted by the worker, in slices, across
// organizations (SECURITY DEFINER). Frozen in time: never import from src/. One statement per query.
import { sql, type Kysely, type RawBuilder } from 'kysely';

const UP: RawBuilder<unknown>[] = [
  sql`CREATE INDEX digest_runs_created_idx ON digest_runs (created_at)`,
  sql`
    CREATE FUNCTION digest_runs_purge(older_than timestamptz, max_rows integer) RETURNS bigint
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public AS $$
      WITH doomed AS (
        SELECT r.organization_id, r.user_id, r.local_date FROM digest_runs r
        WHERE r.created_at < older_than
        LIMIT max_rows
      ), deleted AS (
        DELETE FROM digest_runs r USING doomed
        WHERE r.organization_id = doomed.organization_id AND r.user_id = doomed.user_id
          AND r.local_date = doomed.local_date
        RETURNING 1
      )
      SELECT count(*) FROM deleted
    $$
  `,
  sql`REVOKE EXECUTE ON FUNCTION digest_runs_purge(timestamptz, integer) FROM PUBLIC`,
  sql`GRANT EXECUTE ON FUNCTION digest_runs_purge(timestamptz, integer) TO teamflow_app`,
];

const DOWN: RawBuilder<unknown>[] = [
  sql`DROP FUNCTION digest_runs_purge(timestamptz, integer)`,
  sql`DROP INDEX digest_runs_created_idx`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of UP) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of DOWN) await statement.execute(db);
}
