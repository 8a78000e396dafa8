// Transactions that declare they write no events, and the horizon that does not wait for them.
//
// Readers stop below the oldest running transaction of this database (event_horizon(), migration
// 0016), because any running transaction may still append an event at or above its id. But the
// worker's own transactions never append one: a consumer's batch (it locks its cursor, so it holds
// an id from its first statement, then writes notifications or webhook deliveries for tens of
// milliseconds) held every other reader back for as long as it ran, and with the bus's dispatcher
// and two consumers taking turns, some batch was nearly always running: a move waited seconds to
// reach a socket (bench/realtime.ts: p99 13.9 s at 100 moves/s).
//
// declare_no_events(), the first statement of such a transaction, takes a shared advisory lock
// (classid 1952801133, objid 1: two int4 keys, which the application's one-key locks never use)
// and sets teamflow.no_events for the rest of the transaction. The horizon leaves out the ids whose
// transaction holds that lock, read in pg_locks by the virtual transaction id, which names one
// transaction (not a session), so the match holds whenever each lock was seen. It is right because
// such a transaction cannot write an event at any moment of its life:
//   - before the declaration, it has written nothing: the declaration refuses a transaction that
//     already holds an id, and any write takes one;
//   - after it, the trigger below refuses an insert into events while teamflow.no_events is on,
//     which lasts until the transaction ends, as the lock does.
// Frozen in time: never import from src/. One statement per query (PGlite).
import { sql, type Kysely, type RawBuilder } from 'kysely';

const UP: RawBuilder<unknown>[] = [
  sql`
    CREATE FUNCTION declare_no_events() RETURNS void
    LANGUAGE plpgsql VOLATILE AS $$
    BEGIN
      IF pg_catalog.pg_current_xact_id_if_assigned() IS NOT NULL THEN
        RAISE EXCEPTION 'declare_no_events() must come before the transaction''s first write'
          USING ERRCODE = 'object_not_in_prerequisite_state';
      END IF;
      PERFORM pg_catalog.pg_advisory_xact_lock_shared(1952801133, 1);
      PERFORM pg_catalog.set_config('teamflow.no_events', 'on', true);
    END
    $$
  `,
  sql`
    CREATE FUNCTION events_refuse_event_free() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'this transaction declared it writes no events (declare_no_events())'
        USING ERRCODE = 'object_not_in_prerequisite_state';
    END
    $$
  `,
  sql`
    CREATE TRIGGER events_refuse_event_free BEFORE INSERT ON events
    FOR EACH STATEMENT
    WHEN (current_setting('teamflow.no_events', true) = 'on')
    EXECUTE FUNCTION events_refuse_event_free()
  `,
  sql`REVOKE EXECUTE ON FUNCTION declare_no_events() FROM PUBLIC`,
  sql`GRANT EXECUTE ON FUNCTION declare_no_events() TO teamflow_app`,
  sql`
    CREATE OR REPLACE FUNCTION event_horizon() RETURNS xid8
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
      WITH locks AS MATERIALIZED (
        SELECT l.locktype, l.virtualtransaction, l.transactionid, l.mode, l.database, l.classid,
          l.objid, l.objsubid
        FROM pg_locks l
        WHERE l.granted AND l.locktype IN ('transactionid', 'advisory')
      ), event_free AS (
        SELECT own.transactionid FROM locks own JOIN locks tag USING (virtualtransaction)
        WHERE own.locktype = 'transactionid' AND own.mode = 'ExclusiveLock'
          AND tag.locktype = 'advisory' AND tag.classid = 1952801133 AND tag.objid = 1
          AND tag.objsubid = 2
          AND tag.database = (SELECT oid FROM pg_database WHERE datname = current_database())
      )
      SELECT coalesce(
        (SELECT min(x) FROM pg_snapshot_xip(pg_current_snapshot()) x
         WHERE xid(x) NOT IN (
           SELECT a.backend_xid FROM pg_stat_activity a
           WHERE a.backend_xid IS NOT NULL AND a.datname IS DISTINCT FROM current_database()
         )
         AND xid(x) NOT IN (SELECT e.transactionid FROM event_free e WHERE e.transactionid IS NOT NULL)),
        pg_snapshot_xmax(pg_current_snapshot())
      )
    $$
  `,
];

const DOWN: RawBuilder<unknown>[] = [
  sql`
    CREATE OR REPLACE FUNCTION event_horizon() RETURNS xid8
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
  sql`DROP TRIGGER events_refuse_event_free ON events`,
  sql`DROP FUNCTION events_refuse_event_free()`,
  sql`DROP FUNCTION declare_no_events()`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of UP) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of DOWN) await statement.execute(db);
}
