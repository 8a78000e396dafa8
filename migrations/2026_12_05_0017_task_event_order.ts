// A task's events in the order its changes were made (the index the append of a task's event
// probes; the rule itself is in src/adapters/postgres/event-log-repository.ts).
//
// Readers order events by (tx_id, seq) and tx_id was the writing transaction's id. A transaction
// takes its id at its first write, which may come before it locks the task it changes next: a bulk
// change locks its tasks in turn and holds an id from the first. T1 (id 100) waits for task X,
// held by T2 (id 101); T2 commits its change of X at (101, s2); T1 then changes X and appended
// at (100, s1): X's events read T1 then T2, while the changes happened T2 then T1.
//
// So an event about a task takes tx_id = GREATEST(its transaction's id, the greatest tx_id among
// the task's events so far). By the time T1 changes X it holds X's row lock, taken after T2
// committed, and under READ COMMITTED the append is a later statement with a snapshot of its own:
// it sees T2's event and goes to (101, s1), where s1 > s2 (seq is taken at insert, after T2's
// commit). No reader skips an event still: every event's tx_id is at least its own transaction's
// id, so while T1 runs the horizon (event_horizon(), migration 0016: at most T1's id) keeps every
// reader below anything T1 will write, and a transaction that has not started has an id at least
// the readers' snapshot xmax, itself at least the horizon.
//
// "About a task" is what a per-task realtime subscription receives (taskOfEvent in
// src/domain/events/realtime.ts): a task's own events (task.*, relation.*, watcher.*, whose
// subject is the task) and its comments' (subject 'comment', the task in change.task_id). The
// index is partial on those; its expression must stay the repository's, letter for letter, for
// the planner to use it (test/integration/postgres/event-log.test.ts checks the plan).
// Frozen in time: never import from src/. One statement per query (PGlite).
import { sql, type Kysely, type RawBuilder } from 'kysely';

const TASK_OF_EVENT = sql.raw(
  "(CASE WHEN subject_type = 'task' THEN subject_id ELSE change ->> 'task_id' END)",
);

const UP: RawBuilder<unknown>[] = [
  sql`
    CREATE INDEX events_task_idx ON events (organization_id, ${TASK_OF_EVENT}, tx_id)
    WHERE ${TASK_OF_EVENT} IS NOT NULL
  `,
];

const DOWN: RawBuilder<unknown>[] = [sql`DROP INDEX events_task_idx`];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of UP) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of DOWN) await statement.execute(db);
}
