// The jobs table (migration 2026_12_05_0019): enqueued by a unit of work's repositories in the
// caller's transaction, claimed, acknowledged and counted by the workers through the table's
// SECURITY DEFINER functions (the application role reads no job: a mail's payload holds a token).
import { sql } from 'kysely';
import type { ClaimedJob, JobOutbox, JobQueue } from '../../application/jobs/ports.js';
import type { Db } from './database.js';
import { defer } from './wire/index.js';

export function postgresJobOutbox(db: Db): JobOutbox {
  return {
    async enqueue(job) {
      // Read by nobody in the transaction: it rides ahead of the next statement (the COMMIT).
      await defer(
        db,
        db.insertInto('jobs').values({
          id: job.id,
          kind: job.kind,
          payload: JSON.stringify(job.payload),
          organization_id: job.organizationId,
          run_at: job.runAt,
          max_attempts: job.maxAttempts,
          created_at: job.createdAt,
        }),
      );
    },
  };
}

interface ClaimedRow {
  id: string;
  kind: string;
  payload: unknown;
  organization_id: string | null;
  attempts: number;
  max_attempts: number;
  created_at: Date;
}

export function postgresJobQueue(db: Db): JobQueue {
  return {
    async claim(worker, now, leaseMs, limit) {
      // In the order they were enqueued (UUIDv7 ids), whatever order the UPDATE returned them in.
      const { rows } = await sql<ClaimedRow>`
        SELECT * FROM jobs_claim(
          ${worker}, ${now}, ${leaseMs}::double precision * interval '1 millisecond', ${limit}
        ) ORDER BY created_at, id
      `.execute(db);
      return rows.map((row): ClaimedJob => ({
        id: row.id,
        kind: row.kind,
        payload: row.payload,
        organizationId: row.organization_id,
        attempts: row.attempts,
        maxAttempts: row.max_attempts,
        createdAt: row.created_at,
      }));
    },

    async complete(id, worker) {
      const { rows } = await sql<{ held: boolean }>`
        SELECT jobs_complete(${id}, ${worker}) AS held
      `.execute(db);
      return rows[0]?.held === true;
    },

    async fail(id, worker, error, retryAt, now) {
      const { rows } = await sql<{ held: boolean }>`
        SELECT jobs_fail(${id}, ${worker}, ${error}, ${retryAt ?? null}::timestamptz, ${now}) AS held
      `.execute(db);
      return rows[0]?.held === true;
    },

    async stats(now) {
      const { rows } = await sql<{
        kind: string;
        waiting: string;
        oldest_due: Date | null;
        dead: string;
      }>`
        SELECT kind, waiting::text AS waiting, oldest_due, dead::text AS dead
        FROM jobs_stats(${now}) ORDER BY kind
      `.execute(db);
      return rows.map((row) => ({
        kind: row.kind,
        waiting: Number(row.waiting),
        oldestDue: row.oldest_due,
        dead: Number(row.dead),
      }));
    },
  };
}
