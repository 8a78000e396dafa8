// Background jobs (mail first): a row per job, enqueued in the transaction of the write that
// wants it, so a job exists if and only if that write committed. Workers claim due jobs with a
// lease (locked_until, locked_by) under FOR UPDATE SKIP LOCKED; a job that succeeds is deleted, one
// that fails waits until its run_at, one out of attempts is kept as dead (dead_at, last_error).
//
// Jobs are system work across organizations, and a mail job's payload holds a one-time token: the
// application role may only INSERT (its organization's jobs, or jobs of no organization), and
// reads and changes nothing directly. The worker claims, acknowledges and counts through narrow
// SECURITY DEFINER functions, as the dispatcher reads the events (migration 0016). Every time
// comes in as a parameter (`at_time`), so the caller's clock decides what is due and when a lease
// ends (tests move that clock instead of sleeping).
// Frozen in time: never import from src/. One statement per query (PGlite).
import { sql, type Kysely, type RawBuilder } from 'kysely';

const UP: RawBuilder<unknown>[] = [
  // No foreign key to organizations: a job outlives nothing it names, and an organization's
  // deletion is soft.
  sql`
    CREATE TABLE jobs (
      id uuid PRIMARY KEY,
      kind text NOT NULL,
      payload jsonb NOT NULL,
      organization_id uuid,
      run_at timestamptz NOT NULL,
      attempts integer NOT NULL DEFAULT 0,
      max_attempts integer NOT NULL CHECK (max_attempts > 0),
      last_error text,
      locked_until timestamptz,
      locked_by text,
      dead_at timestamptz,
      created_at timestamptz NOT NULL
    )
  `,
  sql`CREATE INDEX jobs_due_idx ON jobs (run_at) WHERE dead_at IS NULL`,
  sql`ALTER TABLE jobs ENABLE ROW LEVEL SECURITY`,
  sql`
    CREATE POLICY enqueue_in_scope ON jobs FOR INSERT
    WITH CHECK (organization_id IS NULL OR organization_id = app_current_organization())
  `,
  sql`GRANT INSERT ON jobs TO teamflow_app`,
  // Claims up to max_rows due jobs for `claimer` until at_time + lease; each claim counts as an
  // attempt (so a job whose worker keeps dying runs out of attempts too). First, jobs whose last
  // attempt's lease passed without an answer are buried: no attempt is left for them.
  sql`
    CREATE FUNCTION jobs_claim(claimer text, at_time timestamptz, lease interval, max_rows integer)
    RETURNS TABLE (
      id uuid, kind text, payload jsonb, organization_id uuid, attempts integer,
      max_attempts integer, created_at timestamptz
    )
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public AS $$
      UPDATE jobs j SET dead_at = at_time, locked_until = NULL, locked_by = NULL,
        last_error = 'no answer from its last attempt before the lease passed'
      WHERE j.dead_at IS NULL AND j.attempts >= j.max_attempts AND j.locked_until <= at_time;
      WITH due AS (
        SELECT j.id FROM jobs j
        WHERE j.dead_at IS NULL AND j.run_at <= at_time AND j.attempts < j.max_attempts
          AND (j.locked_until IS NULL OR j.locked_until <= at_time)
        ORDER BY j.run_at, j.id
        LIMIT max_rows
        FOR UPDATE SKIP LOCKED
      )
      UPDATE jobs j SET locked_until = at_time + lease, locked_by = claimer, attempts = j.attempts + 1
      FROM due WHERE j.id = due.id
      RETURNING j.id, j.kind, j.payload, j.organization_id, j.attempts, j.max_attempts, j.created_at
    $$
  `,
  // Done: the job is deleted, if `claimer` still holds it (false: its lease passed and another
  // claim took it; the effect may then happen twice, which at-least-once allows).
  sql`
    CREATE FUNCTION jobs_complete(job uuid, claimer text) RETURNS boolean
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public AS $$
      WITH done AS (DELETE FROM jobs j WHERE j.id = job AND j.locked_by = claimer RETURNING 1)
      SELECT EXISTS (SELECT 1 FROM done)
    $$
  `,
  // Failed: released to run again at retry_at, or dead (retry_at NULL) at at_time.
  sql`
    CREATE FUNCTION jobs_fail(
      job uuid, claimer text, error text, retry_at timestamptz, at_time timestamptz
    ) RETURNS boolean
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public AS $$
      WITH failed AS (
        UPDATE jobs j SET locked_until = NULL, locked_by = NULL, last_error = error,
          run_at = coalesce(retry_at, j.run_at),
          dead_at = CASE WHEN retry_at IS NULL THEN at_time END
        WHERE j.id = job AND j.locked_by = claimer
        RETURNING 1
      )
      SELECT EXISTS (SELECT 1 FROM failed)
    $$
  `,
  // Per kind: jobs waiting (due or not, claimed or not), the oldest due and unclaimed run_at, and
  // the dead.
  sql`
    CREATE FUNCTION jobs_stats(at_time timestamptz)
    RETURNS TABLE (kind text, waiting bigint, oldest_due timestamptz, dead bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
      SELECT j.kind,
        count(*) FILTER (WHERE j.dead_at IS NULL),
        min(j.run_at) FILTER (
          WHERE j.dead_at IS NULL AND j.run_at <= at_time
            AND (j.locked_until IS NULL OR j.locked_until <= at_time)
        ),
        count(*) FILTER (WHERE j.dead_at IS NOT NULL)
      FROM jobs j GROUP BY j.kind
    $$
  `,
  ...[
    'jobs_claim(text, timestamptz, interval, integer)',
    'jobs_complete(uuid, text)',
    'jobs_fail(uuid, text, text, timestamptz, timestamptz)',
    'jobs_stats(timestamptz)',
  ].flatMap((signature) => [
    sql`REVOKE EXECUTE ON FUNCTION ${sql.raw(signature)} FROM PUBLIC`,
    sql`GRANT EXECUTE ON FUNCTION ${sql.raw(signature)} TO teamflow_app`,
  ]),
];

const DOWN: RawBuilder<unknown>[] = [
  sql`DROP FUNCTION jobs_stats(timestamptz)`,
  sql`DROP FUNCTION jobs_fail(uuid, text, text, timestamptz, timestamptz)`,
  sql`DROP FUNCTION jobs_complete(uuid, text)`,
  sql`DROP FUNCTION jobs_claim(text, timestamptz, interval, integer)`,
  sql`DROP TABLE jobs`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of UP) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of DOWN) await statement.execute(db);
}
