// The dispatcher's reading of the events table (migration 2026_12_05_0016): one transaction per
// batch that locks the consumer's cursor row (a second dispatcher skips it: 'busy') and reads the
// committed events after it through outbox_events_after, in one statement; hands them on; and
// moves the cursor in the same transaction (with what the consumer wrote through it, or through
// units of work, which join that transaction). The transaction declares that it appends no
// event, so that it never holds the other readers back (migration 0024). A crash before the
// commit leaves the cursor behind: handed on again. On PostgreSQL the transaction is pipelined:
// BEGIN and the declaration go out with the lock and read, the cursor's move with the COMMIT, so
// a batch takes two round trips (six one statement at a time: each costs a write on both ends,
// and the bus's dispatcher runs tens of batches a second beside the requests).
import { sql, type Selectable } from 'kysely';
import type { Outbox } from '../../application/events/outbox.js';
import type { PositionedEvent } from '../../application/events/ports.js';
import type { EventsTable } from './database-events.js';
import type { Db } from './database.js';
import { toEvent } from './event-log-repository.js';
import { postgresRepositories } from './repositories.js';
import { savepointSteps } from './request-transaction-openers.js';
import { lendTransaction } from './request-transaction.js';
import { transactionRunner } from './unit-of-work.js';
import { defer, type PipelineConnector } from './wire/pipeline.js';

type Row = Selectable<EventsTable>;
/** A row of the lock and read: an event, or (the cursor locked, no event after it) all nulls. */
type CursorRow = { [Column in keyof Row]: Row[Column] | null };

/** `pipelined`: a session per batch (PostgreSQL); without it, Kysely's transactions (PGlite). */
export function postgresOutbox(db: Db, pipelined?: PipelineConnector): Outbox {
  const inTransaction = transactionRunner(db, pipelined);
  /** The consumers whose cursor row this process has made sure of (once each is enough). */
  const ensured = new Set<string>();
  /**
   * The consumer's cursor row, created at the head of the log the first time it is asked for (the
   * worker's own consumers have theirs from migration 0037: they never start late).
   */
  const ensureCursor = async (consumer: string) => {
    if (ensured.has(consumer)) return;
    // Which running transactions may be left out, read before the head's snapshot (migrations
    // 0028, 0035): the cursor never starts below an event committed before it was asked for.
    const { rows } = await sql<{ excluded: string }>`
      SELECT event_horizon_exclusions()::text AS excluded
    `.execute(db);
    const excluded = rows[0]?.excluded ?? '{}';
    await sql`
      INSERT INTO event_dispatch (consumer, tx_id, seq)
      SELECT ${consumer}, coalesce(h.tx_id, '0'::xid8), coalesce(h.seq, 0)
      FROM (SELECT 1) one LEFT JOIN outbox_head_except(${excluded}::xid[]) h ON true
      ON CONFLICT (consumer) DO NOTHING
    `.execute(db);
    ensured.add(consumer);
  };

  return {
    async dispatch(consumer, limit, deliver) {
      await ensureCursor(consumer);
      let afterCommit: (() => Promise<void>) | undefined;
      const handed = await inTransaction(async (trx) => {
        // First, before the cursor's lock gives this transaction an id: it appends no event, so
        // the other readers' horizon need not wait for it (migration 0024). And the cursor's move
        // need not wait for its WAL flush: lost in a crash, it only makes the batch go out again,
        // which at-least-once allows (the bus's readers tell repeats by position). (Pipelined, it
        // goes out ahead of the lock, in its trip; a failure would fail the lock's statement.)
        await defer(
          trx,
          sql`
            SELECT declare_no_events(), set_config('synchronous_commit', 'off', true)
          `.compile(trx),
        );
        // The cursor's lock and the events after it, in one statement. The read takes the
        // statement's snapshot, which may predate the cursor's version the lock returns (moved by
        // a batch that committed meanwhile): the events it gives are still those after that
        // cursor, below that snapshot's horizon, and the later ones come with the next batch.
        const { rows } = await sql<CursorRow>`
          SELECT e.organization_id, e.id, e.tx_id::text AS tx_id, e.seq::text AS seq, e.type,
            e.subject_type, e.subject_id, e.subject_key, e.actor_type, e.actor_id, e.change,
            e.project_id, e.assignee_id, e.reporter_id, e.request_id, e.occurred_at
          FROM (
            SELECT tx_id, seq FROM event_dispatch WHERE consumer = ${consumer}
            FOR UPDATE SKIP LOCKED
          ) c
          LEFT JOIN LATERAL outbox_events_after(c.tx_id, c.seq, ${limit}) e ON true
          ORDER BY e.tx_id, e.seq
        `.execute(trx);
        // No row: another dispatcher holds the cursor. One without an event: none to hand on.
        if (rows.length === 0) return 'busy';
        if (rows[0]!.id === null) return 0;
        const events: PositionedEvent[] = (rows as Row[]).map((row) => ({
          position: { txId: row.tx_id, seq: row.seq },
          event: toEvent(row),
        }));
        // The consumer writes through the transaction's repositories (across organizations, by
        // SECURITY DEFINER functions) or through units of work, which join this transaction (each
        // in a savepoint, in its organization's scope): either way what it writes commits with the
        // cursor's move, or nothing does.
        const lent = await lendTransaction(savepointSteps(trx), () =>
          deliver(events, postgresRepositories(trx)),
        );
        afterCommit = () => lent.runEffects();
        const last = events[events.length - 1]!.position;
        // Pipelined, with the COMMIT.
        await defer(
          trx,
          trx
            .updateTable('event_dispatch')
            .set({
              tx_id: sql<string>`${last.txId}::xid8`,
              seq: last.seq,
              dispatched_at: sql<Date>`now()`,
            })
            .where('consumer', '=', consumer),
        );
        return events.length;
      });
      await afterCommit?.();
      return handed;
    },

    async purge(before, limit) {
      const { rows } = await sql<{ deleted: string }>`
        SELECT outbox_purge(${before}, ${limit})::text AS deleted
      `.execute(db);
      return Number(rows[0]?.deleted ?? 0);
    },

    async backlog(consumer) {
      await ensureCursor(consumer);
      const { rows } = await sql<{ depth: string; oldest: Date | null }>`
        SELECT b.depth::text AS depth, b.oldest
        FROM event_dispatch d, outbox_backlog(d.tx_id, d.seq) b
        WHERE d.consumer = ${consumer}
      `.execute(db);
      const row = rows[0];
      return { depth: Number(row?.depth ?? 0), oldest: row?.oldest ?? null };
    },
  };
}
