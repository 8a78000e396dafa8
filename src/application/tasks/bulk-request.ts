// The request of a bulk change as a whole, checked before any task is read: its size, duplicate
// ids, something to change (422), and the references every task shares (assignee, labels by id or
// name), checked and resolved once for the request.
import { ValidationError, type FieldIssue } from '../../domain/shared/errors.js';
import { isUuid } from '../../domain/shared/id.js';
import { MAX_LABELS_PER_TASK, type Priority } from '../../domain/tasks/task.js';
import type { Repositories } from '../shared/unit-of-work.js';
import { labelIdsOf } from './named-references.js';
import { assertMember } from './task-references.js';

/** At most this many tasks per request. */
export const MAX_BULK_TASKS = 500;

/** What to change on every task; absent fields stay as they are. */
export interface BulkTaskSet {
  /** A status of each task's project, by id or name (a task whose project has none fails). */
  readonly statusId?: string | undefined;
  /** A member of the organization; null unassigns. */
  readonly assigneeId?: string | null | undefined;
  readonly priority?: Priority | undefined;
  /** Labels (ids or names) to add to each task's labels. */
  readonly labelsAdd?: readonly string[] | undefined;
  /** Labels (ids or names) to take off each task's labels (ones it does not carry are ignored). */
  readonly labelsRemove?: readonly string[] | undefined;
}

export interface BulkUpdateInput {
  /** Tasks by id or key, each once, 1 to MAX_BULK_TASKS of them. */
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
  assertOnce(taskIds);
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
  }
}

/**
 * Each task once (422 on `task_ids.<index>` for a repeat): `ids` as given, or as resolved (a key
 * and the id of the same task are one task).
 */
export function assertOnce(ids: readonly (string | undefined)[]): void {
  const firstIndex = new Map<string, number>();
  const issues: FieldIssue[] = [];
  ids.forEach((id, index) => {
    if (id === undefined) return;
    const first = firstIndex.get(id);
    if (first === undefined) firstIndex.set(id, index);
    else issues.push({ field: `task_ids.${index}`, message: `Repeats task_ids.${first}` });
  });
  if (issues.length > 0) throw new ValidationError(issues);
}

/**
 * The assignee and the labels are the same for every task: checked once (422), and `set` answered
 * with its labels by id.
 */
export async function sharedReferences(
  tx: Pick<Repositories, 'memberships' | 'labels'>,
  organizationId: string,
  set: BulkTaskSet,
): Promise<BulkTaskSet> {
  if (typeof set.assigneeId === 'string') {
    await assertMember(tx, organizationId, set.assigneeId, 'set.assignee_id');
  }
  const labelsOf = async (refs: readonly string[] | undefined, field: string) =>
    refs && (await labelIdsOf(tx, organizationId, refs, (index) => `${field}.${index}`));
  const labelsAdd = await labelsOf(set.labelsAdd, 'set.labels_add');
  const labelsRemove = await labelsOf(set.labelsRemove, 'set.labels_remove');
  const removed = new Set(labelsRemove ?? []);
  const both = (labelsAdd ?? []).findIndex((label) => removed.has(label));
  if (both >= 0) {
    throw ValidationError.field(`set.labels_add.${both}`, 'Also in labels_remove');
  }
  // A label found by name exists; one given by id is looked for.
  const issues: FieldIssue[] = [];
  for (const [index, labelId] of (labelsAdd ?? []).entries()) {
    if (!isUuid(set.labelsAdd?.[index] ?? '')) continue;
    if (!(await tx.labels.find(organizationId, labelId))) {
      issues.push({ field: `set.labels_add.${index}`, message: 'Unknown label' });
    }
  }
  if (issues.length > 0) throw new ValidationError(issues);
  return { ...set, labelsAdd, labelsRemove };
}
