// A task as the API shows it, field by field: the one table from which the HTTP presenter
// (presentTask) and the SQL that renders list pages in PostgreSQL (postgres/tasks/list.ts) are both
// made, so that a field is added, renamed or reformatted in one place.
import type { Task } from '../../domain/tasks/task.js';

/**
 * The public fields in the order they are written: each one's name, the Task property it shows,
 * and its format: `time` writes a Date (or null) as toISOString() does; any other value is
 * written as it is.
 */
export const TASK_FIELDS = [
  { name: 'id', from: 'id' },
  { name: 'key', from: 'key' },
  { name: 'project_id', from: 'projectId' },
  { name: 'title', from: 'title' },
  { name: 'description', from: 'description' },
  { name: 'type', from: 'type' },
  { name: 'type_id', from: 'typeId' },
  { name: 'status_id', from: 'statusId' },
  { name: 'status_category', from: 'statusCategory' },
  { name: 'priority', from: 'priority' },
  { name: 'assignee_id', from: 'assigneeId' },
  { name: 'reporter_id', from: 'reporterId' },
  { name: 'parent_id', from: 'parentId' },
  { name: 'labels', from: 'labels' },
  { name: 'due_at', from: 'dueAt', format: 'time' },
  { name: 'estimate_hours', from: 'estimateHours' },
  { name: 'actual_hours', from: 'actualHours' },
  { name: 'position', from: 'position' },
  { name: 'version', from: 'version' },
  { name: 'created_at', from: 'createdAt', format: 'time' },
  { name: 'updated_at', from: 'updatedAt', format: 'time' },
  { name: 'completed_at', from: 'completedAt', format: 'time' },
  { name: 'deleted_at', from: 'deletedAt', format: 'time' },
] as const satisfies readonly TaskField[];

export interface TaskField {
  readonly name: string;
  readonly from: keyof Task;
  readonly format?: 'time';
}

type Field = (typeof TASK_FIELDS)[number];
type Written<V, F> = F extends { readonly format: 'time' } ? (V extends Date ? string : V) : V;

/** A task in its public shape (what presentTask answers; what the list's JSON text holds). */
export type PresentedTask = {
  readonly [F in Field as F['name']]: Written<Task[F['from']], F>;
};

// presentTask runs for every task a response holds: the table is read once, here, into flat
// lists, so the loop does no property lookups or `in` tests on the field records.
const NAMES: readonly string[] = TASK_FIELDS.map((field) => field.name);
const SOURCES: readonly (keyof Task)[] = TASK_FIELDS.map((field) => field.from);
const TIMES: readonly boolean[] = TASK_FIELDS.map((field) => 'format' in field);

export function presentTask(task: Task): PresentedTask {
  const presented: Record<string, unknown> = {};
  for (let i = 0; i < NAMES.length; i += 1) {
    const value = task[SOURCES[i] as keyof Task];
    presented[NAMES[i] as string] = TIMES[i]
      ? ((value as Date | null)?.toISOString() ?? null)
      : value;
  }
  return presented as PresentedTask;
}
