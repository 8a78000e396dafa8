// Row types of the events table (migration 2026_12_05_0015).
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface EventsTable {
  organization_id: string;
  id: string;
  /**
   * The writing transaction's xid8, or for an event about a task the task's latest event's if
   * greater (migration 2026_12_05_0017); as text (it exceeds a JavaScript number's exact range).
   */
  tx_id: Generated<string>;
  /** The order within the transaction (an identity column; bigint, as text). */
  seq: Generated<string>;
  type: string;
  subject_type: string;
  subject_id: string | null;
  subject_key: string | null;
  actor_type: 'user' | 'apikey';
  actor_id: string;
  change: ColumnType<Record<string, unknown>, string, never>;
  project_id: string | null;
  assignee_id: string | null;
  reporter_id: string | null;
  request_id: string | null;
  occurred_at: Timestamp;
  /** The task the event is about (migration 2026_12_05_0017), null for the rest. */
  task_id: string | null;
}

/** A consumer's cursor over the events (migration 2026_12_05_0016): the last it handed on. */
export interface EventDispatchTable {
  consumer: string;
  tx_id: string;
  seq: string;
  dispatched_at: Timestamp | null;
}

export interface EventsTables {
  events: EventsTable;
  event_dispatch: EventDispatchTable;
}
