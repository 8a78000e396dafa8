// The dispatcher's side of the events table: a cursor per consumer (how far its events were handed
// on), and narrow SECURITY DEFINER functions through which the application role reads every
// organization's events (row-level security shows it one organization at a time), counts what is
// still to hand on, and deletes what is past retention and past every cursor.
//
// The horizon readers stop at (event_horizon): the oldest transaction still running, as migration
// 0015 says, but leaving out transactions of the server's other databases, which cannot write to
// this one's events. Without that, one long transaction anywhere on the server (a bulk load in
// another database) held every reader back until it ended. A transaction counts as another
// database's only if pg_stat_activity names it so (to the functions' owner: a superuser, or a role
// with pg_read_all_stats, sees every session's; another owner sees its own only, and readers then
// wait on every database's transactions, as before); one that ended in between is still counted,
// which only makes readers wait longer, never skip.
// Frozen in time: never import from src/. One statement per query (PGlite).
import { sql, type Kysely, type RawBuilder } from 'kysely';

const UP: RawBuilder<unknown>[] = [
  sql`
    CREATE TABLE event_dispatch (
      consumer text PRIMARY KEY,
      tx_id xid8 NOT NULL,
      seq bigint NOT NULL,
      dispatched_at timestamptz
    )
  `,
  sql`GRANT SELECT, INSERT, UPDATE ON event_dispatch TO teamflow_app`,
  // The dispatcher reads across organizations in the readers' order.
  sql`CREATE INDEX events_order_idx ON events (tx_id, seq)`,
  sql`
    CREATE FUNCTION event_horizon() RETURNS xid8
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
      SELECT coalesce(
        (SELECT min(x) FROM pg_snapshot_xip(pg_current_snapshot()) x
         WHERE xid(x) NOT IN (
           SELECT a.backend_xid FROM pg_stat_activity a
           WHERE a.backend_xid IS NOT NULL AND a.datname IS DISTINCT FROM current_database()
         )),
        pg_snapshot_xmax(pg_current_snapshot())
      )
    $$
  `,
  // Where a new consumer starts: after the last committed event (it dispatches what comes next,
  // not the whole retained history).
  sql`
    CREATE FUNCTION outbox_head() RETURNS TABLE (tx_id xid8, seq bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
      SELECT e.tx_id, e.seq FROM events e
      WHERE e.tx_id < (SELECT event_horizon())
      ORDER BY e.tx_id DESC, e.seq DESC LIMIT 1
    $$
  `,
  // Committed events after a position, up to the horizon (a late-committing transaction is never
  // skipped).
  sql`
    CREATE FUNCTION outbox_events_after(after_tx xid8, after_seq bigint, max_rows integer)
    RETURNS SETOF events
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
      SELECT * FROM events e
      WHERE (e.tx_id, e.seq) > (after_tx, after_seq)
        AND e.tx_id < (SELECT event_horizon())
      ORDER BY e.tx_id, e.seq LIMIT max_rows
    $$
  `,
  sql`
    CREATE FUNCTION outbox_backlog(after_tx xid8, after_seq bigint)
    RETURNS TABLE (depth bigint, oldest timestamptz)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
      SELECT count(*), min(e.occurred_at) FROM events e WHERE (e.tx_id, e.seq) > (after_tx, after_seq)
    $$
  `,
  // Past retention and behind every cursor: an event nobody has handed on yet stays.
  sql`
    CREATE FUNCTION outbox_purge(older_than timestamptz, max_rows integer) RETURNS bigint
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public AS $$
      WITH doomed AS (
        SELECT e.organization_id, e.id FROM events e
        WHERE e.occurred_at < older_than
          AND NOT EXISTS (
            SELECT 1 FROM event_dispatch d WHERE (e.tx_id, e.seq) > (d.tx_id, d.seq)
          )
        LIMIT max_rows
      ), deleted AS (
        DELETE FROM events e USING doomed
        WHERE e.organization_id = doomed.organization_id AND e.id = doomed.id
        RETURNING 1
      )
      SELECT count(*) FROM deleted
    $$
  `,
  ...[
    'event_horizon()',
    'outbox_head()',
    'outbox_events_after(xid8, bigint, integer)',
    'outbox_backlog(xid8, bigint)',
    'outbox_purge(timestamptz, integer)',
  ].flatMap((signature) => [
    sql`REVOKE EXECUTE ON FUNCTION ${sql.raw(signature)} FROM PUBLIC`,
    sql`GRANT EXECUTE ON FUNCTION ${sql.raw(signature)} TO teamflow_app`,
  ]),
];

const DOWN: RawBuilder<unknown>[] = [
  sql`DROP FUNCTION outbox_purge(timestamptz, integer)`,
  sql`DROP FUNCTION outbox_backlog(xid8, bigint)`,
  sql`DROP FUNCTION outbox_events_after(xid8, bigint, integer)`,
  sql`DROP FUNCTION outbox_head()`,
  sql`DROP FUNCTION event_horizon()`,
  sql`DROP INDEX events_order_idx`,
  sql`DROP TABLE event_dispatch`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of UP) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of DOWN) await statement.execute(db);
}
