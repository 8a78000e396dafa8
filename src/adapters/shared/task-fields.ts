// A task as the API shows it, field by field: the one table from which the SQL that renders list
// pages in PostgreSQL (postgres/tasks/list.ts) is made and against which the HTTP presenter
// (presentTask) is checked, by its type and by a test, so that a field is added, renamed or
// reformatted in one place and the compiler names every other place to follow.
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
  { name: 'tracking_code', from: 'trackingCode' },
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

/**
 * A task in its public shape. Written out as one object literal, not looped over TASK_FIELDS: it
 * runs for every task a response holds, and a literal is both quicker to build and gives every
 * presented task the same hidden class (quicker to serialise). The return type is derived from
 * TASK_FIELDS, so a field added there and missing here (or misnamed, or of another type) does not
 * compile; test/unit/adapters/task-fields.test.ts checks the order of the keys against the table.
 */
export function presentTask(task: Task): PresentedTask {
  return {
    id: task.id,
    key: task.key,
    project_id: task.projectId,
    title: task.title,
    description: task.description,
    type: task.type,
    type_id: task.typeId,
    status_id: task.statusId,
    status_category: task.statusCategory,
    priority: task.priority,
    assignee_id: task.assigneeId,
    reporter_id: task.reporterId,
    parent_id: task.parentId,
    labels: task.labels,
    due_at: task.dueAt?.toISOString() ?? null,
    estimate_hours: task.estimateHours,
    actual_hours: task.actualHours,
    position: task.position,
    version: task.version,
    created_at: task.createdAt.toISOString(),
    updated_at: task.updatedAt.toISOString(),
    completed_at: task.completedAt?.toISOString() ?? null,
    deleted_at: task.deletedAt?.toISOString() ?? null,
    tracking_code: task.trackingCode,
  };
}
