// The request of a bulk change as a whole, checked before any task is read: its size, duplicate
// ids, something to change, label ids (422), and the references every task shares (assignee,
// labels to add), checked once for the request.
import { ValidationError, type FieldIssue } from '../../domain/shared/errors.js';
import { isUuid } from '../../domain/shared/id.js';
import { MAX_LABELS_PER_TASK, type Priority } from '../../domain/tasks/task.js';
import type { Repositories } from '../shared/unit-of-work.js';
import { assertMember } from './task-references.js';

/** At most this many tasks per request. */
export const MAX_BULK_TASKS = 500;

/** What to change on every task; absent fields stay as they are. */
export interface BulkTaskSet {
  /** A status of each task's project (a task of another project fails). */
  readonly statusId?: string | undefined;
  /** A member of the organization; null unassigns. */
  readonly assigneeId?: string | null | undefined;
  readonly priority?: Priority | undefined;
  /** Label ids to add to each task's labels. */
  readonly labelsAdd?: readonly string[] | undefined;
  /** Label ids to take off each task's labels (ones it does not carry are ignored). */
  readonly labelsRemove?: readonly string[] | undefined;
}

export interface BulkUpdateInput {
  /** Task ids, each once, 1 to MAX_BULK_TASKS of them. */
  readonly taskIds: readonly string[];
  readonly set: BulkTaskSet;
  /** Apply what can be applied (default: nothing unless everything can be). */
  readonly partial?: boolean | undefined;
}

/** The rules of the request as a whole (422): size, duplicates, something to change. */
export function assertValidRequest(input: BulkUpdateInput): void {
  const { taskIds, set } = input;
  if (taskIds.length === 0 || taskIds.length > MAX_BULK_TASKS) {
    throw ValidationError.field('task_ids', `Give 1 to ${MAX_BULK_TASKS} task ids`);
  }
  const firstIndex = new Map<string, number>();
  const issues: FieldIssue[] = [];
  taskIds.forEach((id, index) => {
    const first = firstIndex.get(id);
    if (first === undefined) firstIndex.set(id, index);
    else issues.push({ field: `task_ids.${index}`, message: `Repeats task_ids.${first}` });
  });
  if (issues.length > 0) throw new ValidationError(issues);
  if (
    set.statusId === undefined &&
    set.assigneeId === undefined &&
    set.priority === undefined &&
    (set.labelsAdd ?? []).length === 0 &&
    (set.labelsRemove ?? []).length === 0
  ) {
    throw ValidationError.field('set', 'Nothing to change');
  }
  for (const field of ['labelsAdd', 'labelsRemove'] as const) {
    const name = field === 'labelsAdd' ? 'set.labels_add' : 'set.labels_remove';
    const labels = set[field] ?? [];
    if (labels.length > MAX_LABELS_PER_TASK) {
      throw ValidationError.field(name, `At most ${MAX_LABELS_PER_TASK} labels`);
    }
    const bad = labels.findIndex((label) => !isUuid(label));
    if (bad >= 0) throw ValidationError.field(`${name}.${bad}`, 'Labels are label ids');
  }
  const removed = new Set(set.labelsRemove ?? []);
  const both = (set.labelsAdd ?? []).findIndex((label) => removed.has(label));
  if (both >= 0) {
    throw ValidationError.field(`set.labels_add.${both}`, 'Also in labels_remove');
  }
}

/** The assignee and the labels to add are the same for every task: checked once (422). */
export async function assertSharedReferences(
  tx: Pick<Repositories, 'memberships' | 'labels'>,
  organizationId: string,
  set: BulkTaskSet,
): Promise<void> {
  if (typeof set.assigneeId === 'string') {
    await assertMember(tx, organizationId, set.assigneeId, 'set.assignee_id');
  }
  const issues: FieldIssue[] = [];
  for (const [index, labelId] of (set.labelsAdd ?? []).entries()) {
    if (!(await tx.labels.find(organizationId, labelId))) {
      issues.push({ field: `set.labels_add.${index}`, message: 'Unknown label' });
    }
  }
  if (issues.length > 0) throw new ValidationError(issues);
}
