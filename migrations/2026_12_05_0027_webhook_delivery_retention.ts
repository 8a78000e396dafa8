// Retention of the webhook delivery log: settled deliveries (delivered or failed for good) whose
// last change is older than WEBHOOK_DELIVERY_RETENTION_DAYS are deleted with their attempts, in
// slices, by the worker (SECURITY DEFINER: across organizations). Pending ones always stay. The
// partial index serves the purge's look without a scan of the log. A purged delivery cannot come
// back: the events consumer only repeats its last batch, and events are kept for days less.
// Frozen in time: never import from src/. One statement per query (PGlite).
import { sql, type Kysely, type RawBuilder } from 'kysely';

const UP: RawBuilder<unknown>[] = [
  sql`
    CREATE INDEX webhook_deliveries_settled_idx ON webhook_deliveries (updated_at)
    WHERE status <> 'pending'
  `,
  sql`
    CREATE FUNCTION webhook_deliveries_purge(older_than timestamptz, max_rows integer)
    RETURNS bigint
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public AS $$
      WITH doomed AS (
        SELECT d.organization_id, d.id FROM webhook_deliveries d
        WHERE d.status <> 'pending' AND d.updated_at < older_than
        LIMIT max_rows
      ), deleted AS (
        DELETE FROM webhook_deliveries d USING doomed
        WHERE d.organization_id = doomed.organization_id AND d.id = doomed.id
        RETURNING 1
      )
      SELECT count(*) FROM deleted
    $$
  `,
  sql`REVOKE EXECUTE ON FUNCTION webhook_deliveries_purge(timestamptz, integer) FROM PUBLIC`,
  sql`GRANT EXECUTE ON FUNCTION webhook_deliveries_purge(timestamptz, integer) TO teamflow_app`,
];

const DOWN: RawBuilder<unknown>[] = [
  sql`DROP FUNCTION webhook_deliveries_purge(timestamptz, integer)`,
  sql`DROP INDEX webhook_deliveries_settled_idx`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of UP) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of DOWN) await statement.execute(db);
}
