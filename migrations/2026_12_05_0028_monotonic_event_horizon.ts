// A reader's horizon that never moves back: a later read never shows fewer events than an
// earlier one (the events feed paged with `after` stopped early now and then on a busy server).
//
// event_horizon() (migrations 0016, 0024) takes the reader's snapshot at the statement's start and
// reads pg_stat_activity and pg_locks during it. A transaction of another database, or one that
// declared it writes no events, that was running at the snapshot but ended before those views
// were read cannot be told from one that may write events, so it counts: right (no event
// skipped) but a step back from an earlier read that had excluded it.
//
// So a reader that needs its reads to only move forward asks first, in a statement of its own,
// which running transactions may be left out (event_horizon_exclusions(): their ids, read before
// its snapshot), then reads below event_horizon_except(those ids). A transaction in the second
// statement's snapshot either was running at the first statement (and was seen, if it may be left
// out) or took its id after it, above anything an earlier read could show. Leaving out a passed
// id is right whenever it was read: a declared transaction never writes an event in its life, and
// another database's never writes here. event_horizon() is now event_horizon_except('{}').
// Frozen in time: never import from src/. One statement per query (PGlite).
import { sql, type Kysely, type RawBuilder } from 'kysely';

const UP: RawBuilder<unknown>[] = [
  sql`
    CREATE FUNCTION event_horizon_exclusions() RETURNS xid[]
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
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
      ) left_out
    $$
  `,
  sql`
    CREATE FUNCTION event_horizon_except(excluded xid[]) RETURNS xid8
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
  ...['event_horizon_exclusions()', 'event_horizon_except(xid[])'].flatMap((signature) => [
    sql`REVOKE EXECUTE ON FUNCTION ${sql.raw(signature)} FROM PUBLIC`,
    sql`GRANT EXECUTE ON FUNCTION ${sql.raw(signature)} TO teamflow_app`,
  ]),
];

const DOWN: RawBuilder<unknown>[] = [
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
  sql`DROP FUNCTION event_horizon_except(xid[])`,
  sql`DROP FUNCTION event_horizon_exclusions()`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of UP) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of DOWN) await statement.execute(db);
}
