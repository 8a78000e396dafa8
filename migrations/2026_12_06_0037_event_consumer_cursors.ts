// The worker's consumers of the events table ('bus', 'notifications', 'webhooks') get their
// cursors with the schema. Until now a cursor was made the first time its dispatcher asked for
// it, at the head of the log: the events written between the first API process's start and the
// worker's first batch (a fresh install whose worker starts later, or is slow to start) came
// before the head and were never handed on, nor ever held back from the retention purge. Made
// here, on a fresh database the cursors start before the first event; on a database that has
// them already nothing changes; on one that lacks one, it starts at the head, as before (an
// upgrade never replays the retained log to realtime sockets, inboxes or endpoints). The names
// are the application's (src/application: BUS_CONSUMER, NOTIFICATIONS_CONSUMER,
// WEBHOOKS_CONSUMER). Frozen in time: never import from src/. One statement per query (PGlite).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    INSERT INTO event_dispatch (consumer, tx_id, seq)
    SELECT consumer, coalesce(h.tx_id, '0'::xid8), coalesce(h.seq, 0)
    FROM unnest(ARRAY['bus', 'notifications', 'webhooks']) AS consumer
    LEFT JOIN outbox_head_except(event_horizon_exclusions()) h ON true
    ON CONFLICT (consumer) DO NOTHING
  `.execute(db);
}

/** Leaves the cursors: they hold how far each consumer got, which the earlier schema kept too. */
export async function down(): Promise<void> {}
