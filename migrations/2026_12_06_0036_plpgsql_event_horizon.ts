// The outbox's hot functions, with the same queries, in PL/pgSQL instead of SQL: a SQL function
// that is SECURITY DEFINER with SET search_path is never inlined, and PostgreSQL plans its body
// again on every call. event_horizon_exclusions() reads the pg_locks and pg_stat_activity views,
// whose planning alone took 0.5–3 ms a call; every consumer's batch (the bus's dispatcher tens of
// times a second) and every feed page asked for it, nested in event_horizon_except and
// outbox_events_after. PL/pgSQL keeps each statement's plan for the session: 0.1 ms a call.
// Nothing read or returned changes (migrations 0016, 0024 and 0028 give the argument), except that
// the exclusions are read once per horizon rather than once per transaction in flight.
// Frozen in time: never import from src/. One statement per query (PGlite).
import { sql, type Kysely, type RawBuilder } from 'kysely';

const EXCLUSIONS_QUERY = sql.raw(`
      WITH locks AS MATERIALIZED (
        SELECT l.locktype, l.virtualtransaction, l.transactionid, l.mode, l.database, l.classid,
          l.objid, l.objsubid
        FROM pg_locks l
        WHERE l.granted AND l.locktype IN ('transactionid', 'advisory')
      )
      SELECT coalesce(array_agg(x), '{}') FROM (
        SELECT own.transactionid AS x FROM locks own JOIN locks tag USING (virtualtransaction)
        WHERE own.locktype = 'transactionid' AND own.mode = 'ExclusiveLock'
          AND own.transactionid IS NOT NULL
          AND tag.locktype = 'advisory' AND tag.classid = 1952801133 AND tag.objid = 1
          AND tag.objsubid = 2
          AND tag.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        UNION
        SELECT a.backend_xid FROM pg_stat_activity a
        WHERE a.backend_xid IS NOT NULL AND a.datname IS DISTINCT FROM current_database()
      ) left_out`);

const UP: RawBuilder<unknown>[] = [
  sql`
    CREATE OR REPLACE FUNCTION event_horizon_exclusions() RETURNS xid[]
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public AS $$
    BEGIN
      RETURN (${EXCLUSIONS_QUERY});
    END
    $$
  `,
  // The snapshot is the calling statement's (a STABLE function takes none of its own), as in
  // the SQL version; the exclusions are read only when a transaction is in flight.
  sql`
    CREATE OR REPLACE FUNCTION event_horizon_except(excluded xid[]) RETURNS xid8
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public AS $$
    DECLARE
      snapshot pg_snapshot := pg_current_snapshot();
      left_out xid[];
      horizon xid8;
    BEGIN
      IF NOT EXISTS (SELECT FROM pg_snapshot_xip(snapshot)) THEN
        RETURN pg_snapshot_xmax(snapshot);
      END IF;
      left_out := event_horizon_exclusions();
      SELECT min(x) INTO horizon FROM pg_snapshot_xip(snapshot) x
      WHERE xid(x) <> ALL (excluded) AND xid(x) <> ALL (left_out);
      RETURN coalesce(horizon, pg_snapshot_xmax(snapshot));
    END
    $$
  `,
  sql`
    CREATE OR REPLACE FUNCTION event_horizon() RETURNS xid8
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public AS $$
    BEGIN
      RETURN event_horizon_except('{}');
    END
    $$
  `,
  sql`
    CREATE OR REPLACE FUNCTION outbox_events_after(after_tx xid8, after_seq bigint, max_rows int)
    RETURNS SETOF events
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public AS $$
    DECLARE
      horizon xid8 := event_horizon();
    BEGIN
      RETURN QUERY
        SELECT * FROM events e
        WHERE (e.tx_id, e.seq) > (after_tx, after_seq) AND e.tx_id < horizon
        ORDER BY e.tx_id, e.seq LIMIT max_rows;
    END
    $$
  `,
];

/** The SQL versions of migrations 0016 and 0028. */
const DOWN: RawBuilder<unknown>[] = [
  sql`
    CREATE OR REPLACE FUNCTION event_horizon_exclusions() RETURNS xid[]
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$${EXCLUSIONS_QUERY}
    $$
  `,
  sql`
    CREATE OR REPLACE FUNCTION event_horizon_except(excluded xid[]) RETURNS xid8
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
      SELECT coalesce(
        (SELECT min(x) FROM pg_snapshot_xip(pg_current_snapshot()) x
         WHERE xid(x) <> ALL (excluded) AND xid(x) <> ALL (event_horizon_exclusions())),
        pg_snapshot_xmax(pg_current_snapshot())
      )
    $$
  `,
  sql`
    CREATE OR REPLACE FUNCTION event_horizon() RETURNS xid8
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
      SELECT event_horizon_except('{}')
    $$
  `,
  sql`
    CREATE OR REPLACE FUNCTION outbox_events_after(after_tx xid8, after_seq bigint, max_rows int)
    RETURNS SETOF events
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
      SELECT * FROM events e
      WHERE (e.tx_id, e.seq) > (after_tx, after_seq)
        AND e.tx_id < (SELECT event_horizon())
      ORDER BY e.tx_id, e.seq LIMIT max_rows
    $$
  `,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of UP) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of DOWN) await statement.execute(db);
}
