// What a change did to a task, as history and audit record it: `{field: {from, to}}` for every
// field that differs. A creation is the change from nothing: `{field: {from: null, to: value}}`
// for every field it set.
import type { Task } from './task.js';

export interface FieldChange {
  readonly from: unknown;
  readonly to: unknown;
}

export type TaskDiff = Readonly<Record<string, FieldChange>>;

/** The fields of a task as history names them (snake_case, times in ISO, labels a sorted list). */
export function historyView(task: Task): Record<string, unknown> {
  return {
    title: task.title,
    description: task.description,
    type_id: task.typeId,
    status_id: task.statusId,
    priority: task.priority,
    assignee_id: task.assigneeId,
    parent_id: task.parentId,
    labels: [...task.labels],
    due_at: task.dueAt?.toISOString() ?? null,
    estimate_hours: task.estimateHours,
    actual_hours: task.actualHours,
    position: task.position,
    completed_at: task.completedAt?.toISOString() ?? null,
  };
}

export type HistoryField = keyof ReturnType<typeof historyView>;

const same = (a: unknown, b: unknown): boolean =>
  Array.isArray(a) && Array.isArray(b)
    ? a.length === b.length && a.every((item, index) => item === b[index])
    : a === b;

/**
 * `{field: {from, to}}` for every field of `after` that differs from `before`; `only` narrows the
 * fields looked at (a workflow replacement's `moved` row names the status alone).
 */
export function taskDiff(before: Task, after: Task, only?: readonly HistoryField[]): TaskDiff {
  const from = historyView(before);
  const to = historyView(after);
  const changes: Record<string, FieldChange> = {};
  for (const field of only ?? Object.keys(to)) {
    if (!same(from[field], to[field])) changes[field] = { from: from[field], to: to[field] };
  }
  return changes;
}

/** Whether a value counts as set on a new task (an empty description or label list does not). */
const isSet = (value: unknown) =>
  value !== null && value !== '' && !(Array.isArray(value) && value.length === 0);

/**
 * A creation's diff: `{field: {from: null, to: value}}` for the key and every field the new task
 * has set (what the database assigned, its position and key, included).
 */
export function creationDiff(task: Task): TaskDiff {
  const changes: Record<string, FieldChange> = { key: { from: null, to: task.key } };
  for (const [field, value] of Object.entries(historyView(task))) {
    if (isSet(value)) changes[field] = { from: null, to: value };
  }
  return changes;
}
