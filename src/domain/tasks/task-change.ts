// What a change to a task does, decided in one place: the fields it writes, `completed_at`
// following the status category, and where the task goes in its column. Pure: the caller has
// checked the references (type, member, parent, labels) and passes the project's workflow when
// the status changes. History and events follow from the task before and after (task-events.ts).
import { statusNamed, unknownStatusMessage, type WorkflowStatus } from '../projects/workflow.js';
import { notFound, ValidationError, type FieldIssue } from '../shared/errors.js';
import { completedAtAfter, type Priority, type Task } from './task.js';

/** The editable fields of a task; absent means unchanged, null clears. */
export interface TaskEdit {
  readonly title?: string;
  readonly description?: string;
  readonly typeId?: string | null;
  /** A status of the task's project: by id or name in an edit, its id in a plan's fields. */
  readonly statusId?: string;
  readonly priority?: Priority;
  readonly assigneeId?: string | null;
  readonly parentId?: string | null;
  readonly dueAt?: Date | null;
  readonly estimateHours?: number | null;
  readonly actualHours?: number | null;
  /** The whole new label set, sorted. */
  readonly labels?: readonly string[];
}

/** The fields a change writes: the edit, and `completed_at` when the status changes. */
export interface TaskFieldChanges extends TaskEdit {
  readonly completedAt?: Date | null;
}

/**
 * Where the change puts the task in its column: where it is, below the column's other live tasks,
 * or right before / after a neighbour of the (new) column.
 */
export type Placement =
  | { readonly kind: 'keep' }
  | { readonly kind: 'bottom' }
  | { readonly kind: 'before'; readonly taskId: string }
  | { readonly kind: 'after'; readonly taskId: string };

export interface TaskChangePlan {
  readonly fields: TaskFieldChanges;
  readonly placement: Placement;
}

/** The message for a status `ref` (an id or a name) that the task's project does not have. */
const notAStatus = (ref: string) => unknownStatusMessage(ref, 'the task’s project');

/** Whether planning `edit` needs the project's workflow (it changes the task's status). */
export const needsWorkflow = (task: Pick<Task, 'statusId'>, edit: TaskEdit): boolean =>
  edit.statusId !== undefined && edit.statusId !== task.statusId;

/**
 * An edit of `task` (PATCH, bulk): the fields as given; a new status (one of `workflow`, by id or
 * name) sets `completed_at` by its category and sends the task to the bottom of its new column.
 * Naming the task's own status (either way) changes nothing.
 */
export function planTaskEdit(
  task: Task,
  edit: TaskEdit,
  now: Date,
  workflow?: readonly WorkflowStatus[],
): TaskChangePlan {
  const { statusId, ...fields } = edit;
  if (statusId === undefined || statusId === task.statusId) {
    return { fields, placement: { kind: 'keep' } };
  }
  if (workflow === undefined) throw new Error('A status change is planned with the workflow');
  const status = statusNamed(workflow, statusId) ?? invalidStatus(statusId);
  if (status.id === task.statusId) return { fields, placement: { kind: 'keep' } };
  return {
    fields: { ...fields, statusId: status.id, ...completion(task, status, now) },
    placement: { kind: 'bottom' },
  };
}

/** Where a kanban move asks to go: before or after a neighbour, or (neither) the bottom. */
export function placementOf(anchors: {
  readonly beforeId?: string | undefined;
  readonly afterId?: string | undefined;
}): Placement {
  const { beforeId, afterId } = anchors;
  if (beforeId !== undefined && afterId !== undefined) {
    throw ValidationError.field('before_id', 'Give before_id or after_id, not both');
  }
  if (beforeId !== undefined) return { kind: 'before', taskId: beforeId };
  if (afterId !== undefined) return { kind: 'after', taskId: afterId };
  return { kind: 'bottom' };
}

/**
 * A kanban move of `task` into the column of `statusId` (a status of `workflow` by id or name, its
 * own too), at `placement`. Every broken rule is reported at once.
 */
export function planTaskMove(
  task: Task,
  workflow: readonly WorkflowStatus[],
  move: { readonly statusId: string; readonly placement: Placement },
  now: Date,
): TaskChangePlan {
  const issues: FieldIssue[] = [];
  const status = statusNamed(workflow, move.statusId);
  if (!status) issues.push({ field: 'status_id', message: notAStatus(move.statusId) });
  const { placement } = move;
  if ((placement.kind === 'before' || placement.kind === 'after') && placement.taskId === task.id) {
    issues.push({
      field: `${placement.kind}_id`,
      message: 'Must be another task of the target column',
    });
  }
  if (!status || issues.length > 0) throw new ValidationError(issues);
  return { fields: { statusId: status.id, ...completion(task, status, now) }, placement };
}

/**
 * A new task: in `statusId` (a status of `workflow`, by id or name) or the workflow's first
 * status, completed when that status is `done`, at the bottom of its column.
 */
export function planTaskCreation(
  workflow: readonly WorkflowStatus[],
  statusId: string | undefined,
  now: Date,
): { readonly status: WorkflowStatus; readonly completedAt: Date | null } {
  const status =
    statusId === undefined
      ? (workflow[0] ?? notFound('status'))
      : (statusNamed(workflow, statusId) ?? invalidStatus(statusId));
  return { status, completedAt: completedAtAfter(null, status.category, now) };
}

function invalidStatus(ref: string): never {
  throw ValidationError.field('status_id', notAStatus(ref));
}

const completion = (task: Pick<Task, 'completedAt'>, status: WorkflowStatus, now: Date) => ({
  completedAt: completedAtAfter(task.completedAt, status.category, now),
});

/** `fields` less those already as asked on `task` (labels as sets); undefined when none is left. */
export function withoutNoOps(task: Task, fields: TaskFieldChanges): TaskFieldChanges | undefined {
  const left = Object.entries(fields).filter(
    ([field, value]) =>
      value !== undefined && !sameValue(task[field as keyof TaskFieldChanges], value),
  );
  return left.length === 0 ? undefined : Object.fromEntries(left);
}

function sameValue(current: unknown, wanted: unknown): boolean {
  if (Array.isArray(current) && Array.isArray(wanted)) {
    const set = new Set<unknown>(current);
    return set.size === new Set(wanted).size && wanted.every((item) => set.has(item));
  }
  if (current instanceof Date && wanted instanceof Date) {
    return current.getTime() === wanted.getTime();
  }
  return current === wanted;
}
