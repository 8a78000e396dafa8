// Where a new consumer's cursor starts, without the step back of migration 0028's argument:
// outbox_head() reads below event_horizon(), which may count a transaction of another database
// that ended between the horizon's snapshot and its look at pg_stat_activity; a cursor created
// then starts below events committed before it was asked for, and hands them on. The outbox now
// reads event_horizon_exclusions() first, in a statement of its own, and starts the cursor at
// outbox_head_except(those ids). Frozen in time: never import from src/. One statement per query.
import { sql, type Kysely, type RawBuilder } from 'kysely';

const UP: RawBuilder<unknown>[] = [
  sql`
    CREATE FUNCTION outbox_head_except(excluded xid[]) RETURNS TABLE (tx_id xid8, seq bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
      SELECT e.tx_id, e.seq FROM events e
      WHERE e.tx_id < (SELECT event_horizon_except(excluded))
      ORDER BY e.tx_id DESC, e.seq DESC LIMIT 1
    $$
  `,
  sql`REVOKE EXECUTE ON FUNCTION outbox_head_except(xid[]) FROM PUBLIC`,
  sql`GRANT EXECUTE ON FUNCTION outbox_head_except(xid[]) TO teamflow_app`,
];

const DOWN: RawBuilder<unknown>[] = [sql`DROP FUNCTION outbox_head_except(xid[])`];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of UP) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of DOWN) await statement.execute(db);
}
