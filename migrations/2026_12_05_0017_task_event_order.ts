// A task's events in the order its changes were made: the task an event is about, as a column,
// and the index the append of such an event probes (the rule itself is in
// src/adapters/postgres/event-log-repository.ts, taskEventTxId).
//
// Readers order events by (tx_id, seq), and tx_id was the writing transaction's id. A transaction
// takes its id at its first write, which may come before it locks the task it changes next: a bulk
// change locks its tasks in turn and holds an id from the first. T1 (id 100) waits for task X,
// held by T2 (id 101); T2 commits its change of X at (101, s2); T1 then changes X and appended
// at (100, s1): X's events read T1 then T2, while the changes happened T2 then T1.
//
// So an event about a task takes tx_id = GREATEST(its transaction's id, the greatest tx_id among
// the task's events so far). By the time T1 changes X it holds X's row lock, granted once T2 had
// committed, and under READ COMMITTED the append is a later statement with a snapshot of its own:
// it sees T2's event and goes to (101, s1), where s1 > s2 (seq, an identity without a cache, is
// taken at insert, after T2's commit). No reader skips an event still: every event's tx_id is at
// least its own transaction's id, so while T1 runs the horizon (event_horizon(), migration 0016:
// at most T1's id) keeps every reader below anything T1 will write, and a transaction yet to take
// an id takes one at least the readers' snapshot xmax, itself at least the horizon.
//
// task_id is the task an event is about as a per-task realtime subscription sees it (taskOfEvent,
// src/domain/events/realtime.ts): a task's own events (task.*, relation.*, watcher.*) and its
// comments' (the task in change.task_id); null for the rest. A column, not an index on an
// expression of subject_type and change: under row-level security a condition the index could
// serve is used as one only if every function in it is leakproof, and jsonb's ->> is not (the
// lookup read every task event of the organization). Rows written before this migration keep
// null: only transactions that overlap can be out of order, so only a deploy's moment is
// concerned. The index is partial: events about no task never need it.
// Frozen in time: never import from src/. One statement per query (PGlite).
import { sql, type Kysely, type RawBuilder } from 'kysely';

const UP: RawBuilder<unknown>[] = [
  sql`ALTER TABLE events ADD COLUMN task_id uuid`,
  sql`
    CREATE INDEX events_task_idx ON events (organization_id, task_id, tx_id)
    WHERE task_id IS NOT NULL
  `,
];

const DOWN: RawBuilder<unknown>[] = [
  sql`DROP INDEX events_task_idx`,
  sql`ALTER TABLE events DROP COLUMN task_id`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of UP) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of DOWN) await statement.execute(db);
}
