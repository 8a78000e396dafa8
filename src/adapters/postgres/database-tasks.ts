// Row types of the tasks tables (kept apart so areas can grow without touching database.ts).
import type { ColumnType, Generated, GeneratedAlways } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** 1 low, 2 medium, 3 high, 4 critical. */
export type PriorityColumn = 1 | 2 | 3 | 4;

export interface TasksTable {
  organization_id: string;
  id: string;
  project_id: string;
  number: number;
  title: string;
  description: Generated<string>;
  type_id: string | null;
  status_id: string;
  priority: Generated<PriorityColumn>;
  assignee_id: string | null;
  reporter_id: string;
  parent_id: string | null;
  due_at: Timestamp | null;
  estimate_hours: number | null;
  actual_hours: number | null;
  /** bigint: the driver answers a string (pg) or a number/bigint (PGlite). */
  position: ColumnType<string | number | bigint, number, number>;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
  completed_at: Timestamp | null;
  deleted_at: Timestamp | null;
  tracking_code: string | null;
  search_vector: GeneratedAlways<string>;
}

export interface TaskLabelsTable {
  organization_id: string;
  task_id: string;
  label_id: string;
}

export interface TaskWatchersTable {
  organization_id: string;
  task_id: string;
  user_id: string;
  created_at: Timestamp;
}

export interface TaskCommentsTable {
  organization_id: string;
  id: string;
  task_id: string;
  author_id: string;
  body: string;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
  search_vector: GeneratedAlways<string>;
}

export type RelationTypeColumn = 'blocks' | 'duplicates' | 'relates_to';

export interface TaskRelationsTable {
  organization_id: string;
  id: string;
  source_task_id: string;
  target_task_id: string;
  type: RelationTypeColumn;
  created_by: string | null;
  created_at: Timestamp;
}

export interface TaskHistoryTable {
  organization_id: string;
  id: string;
  task_id: string;
  actor_id: string | null;
  action: string;
  changes: ColumnType<Record<string, unknown>, string, never>;
  at: Timestamp;
}

export interface TasksTables {
  tasks: TasksTable;
  task_labels: TaskLabelsTable;
  task_watchers: TaskWatchersTable;
  task_comments: TaskCommentsTable;
  task_relations: TaskRelationsTable;
  task_history: TaskHistoryTable;
}
