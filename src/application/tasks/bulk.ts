// Bulk changes: one status, assignee, priority or label change applied to up to 500 tasks at once,
// each task checked on its own (visible, `task:update` in scope, the write window, the status of
// its project). All or nothing unless `partial`: then what can be applied is, and each failing
// task says why.
//
// Every check that can fail a single task is decided before that task is written, so a failing
// task never leaves a half-done write behind (and never aborts the transaction): no savepoints are
// needed. References shared by every task (assignee, labels) are checked once, for the request.
import { authorize, can } from '../../domain/access/authorize.js';
import {
  ConflictError,
  DomainError,
  ValidationError,
  type FieldIssue,
} from '../../domain/shared/errors.js';
import { withoutNoOps, type TaskChangePlan } from '../../domain/tasks/task-change.js';
import { ownershipOf, type Priority, type Task } from '../../domain/tasks/task.js';
import { inOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import type { Repositories } from '../shared/unit-of-work.js';
import {
  assertOnce,
  assertValidRequest,
  sharedReferences,
  type BulkTaskSet,
  type BulkUpdateInput,
} from './bulk-request.js';
import { taskIdsOf } from './named-references.js';
import { applyTaskChanges } from './task-changes.js';
import { planUpdate, type StatusesOf, type UpdateTaskInput } from './update-task.js';
import { assertInsideWriteWindow } from './write-access.js';

export interface BulkItemError {
  readonly code: string;
  readonly message: string;
}

export type BulkItemResult =
  | {
      readonly taskId: string;
      readonly status: 'updated' | 'unchanged';
      readonly task: Pick<Task, 'id' | 'key' | 'version'>;
    }
  | { readonly taskId: string; readonly status: 'failed'; readonly error: BulkItemError };

/**
 * The whole request was refused because some tasks cannot be changed (and `partial` was not
 * asked for): nothing was written. `details` name each failed task as `task_ids.<index>`.
 */
export class BulkUpdateConflictError extends ConflictError {
  constructor(
    readonly details: readonly FieldIssue[],
    total: number,
  ) {
    super(
      `Nothing was changed: ${details.length} of ${total} tasks cannot be updated ` +
        '(send partial: true to apply the rest)',
    );
  }
}

type BulkDeps = Pick<Deps, 'uow' | 'clock' | 'ids'>;

/**
 * Applies `set` to each task of `taskIds` (ids or keys), one result per task in request order,
 * naming it as the request did. One history row
 * (and audit entry) per task that changed; none for a task already as asked.
 */
export async function bulkUpdateTasks(
  deps: BulkDeps,
  access: OrganizationAccess,
  input: BulkUpdateInput,
): Promise<BulkItemResult[]> {
  authorize(access.grant, 'task:update');
  assertValidRequest(input);
  const organizationId = access.organization.id;
  return inOrganization(deps, access, async (tx) => {
    const set = await sharedReferences(tx, organizationId, input.set);
    // Keys are looked up together (ids cost nothing); a key that names no task fails its item.
    const ids = await taskIdsOf(tx, organizationId, input.taskIds);
    assertOnce(ids);
    // One statement locks every task in id order: concurrent bulk requests over overlapping tasks
    // queue behind each other instead of deadlocking, whatever order their ids came in.
    const found = ids.filter((id): id is string => id !== undefined);
    const locked = await tx.tasks.findMany(organizationId, found, { forUpdate: true });
    const byId = new Map(locked.map((task) => [task.id, task]));
    // Decided once per task priority, and one workflow read per project, not per task.
    const insideWindow = memoized((priority: Priority) =>
      assertInsideWriteWindow(deps, tx, access, priority),
    );
    const statusesOf: StatusesOf = memoized((projectId: string) =>
      tx.projects.statuses.list(organizationId, projectId),
    );
    const results: BulkItemResult[] = [];
    let failed = false;
    for (const [index, taskId] of input.taskIds.entries()) {
      const id = ids[index];
      const task = id === undefined ? undefined : byId.get(id);
      const decision = await decide(deps, tx, access, task, set, {
        insideWindow,
        statusesOf,
      });
      if ('error' in decision) {
        failed = true;
        results.push({ taskId, status: 'failed', error: decision.error });
      } else if (decision.plan === undefined) {
        results.push({ taskId, status: 'unchanged', task: idOf(decision.task) });
      } else if (failed && !input.partial) {
        // The request fails anyway: check the rest (to name every failure), write nothing more.
        results.push({ taskId, status: 'unchanged', task: idOf(decision.task) });
      } else {
        const after = await applyTaskChanges(
          deps,
          tx,
          access,
          decision.task,
          decision.plan,
          'updated',
        );
        results.push({ taskId, status: 'updated', task: idOf(after) });
      }
    }
    if (failed && !input.partial) {
      const details = results.flatMap((result, index) =>
        result.status === 'failed'
          ? [
              {
                field: `task_ids.${index}`,
                message: `${result.error.code}: ${result.error.message}`,
              },
            ]
          : [],
      );
      // Thrown inside the unit of work: whatever was written for earlier tasks rolls back.
      throw new BulkUpdateConflictError(details, results.length);
    }
    return results;
  });
}

const idOf = (task: Task) => ({ id: task.id, key: task.key, version: task.version });

/** `load`, asked once per key for the request (the answer depends on the key alone). */
function memoized<K, V>(load: (key: K) => Promise<V>): (key: K) => Promise<V> {
  const answers = new Map<K, Promise<V>>();
  return (key) => {
    let answer = answers.get(key);
    if (!answer) {
      answer = load(key);
      answers.set(key, answer);
    }
    return answer;
  };
}

type Decision =
  | { readonly task: Task; readonly plan: TaskChangePlan | undefined }
  | { readonly error: BulkItemError };

/**
 * What to do with one task: fail it (and why), leave it (already as asked), or the planned change
 * to write. Writes nothing.
 */
async function decide(
  deps: Pick<Deps, 'clock'>,
  tx: Repositories,
  access: OrganizationAccess,
  task: Task | undefined,
  set: BulkTaskSet,
  shared: {
    readonly insideWindow: (priority: Priority) => Promise<void>;
    readonly statusesOf: StatusesOf;
  },
): Promise<Decision> {
  // A task the caller may not see does not exist for it: the same answer as an unknown id.
  if (!task || !can(access.grant, 'task:read', ownershipOf(task))) {
    return { error: { code: 'NOT_FOUND', message: 'task not found' } };
  }
  if (!can(access.grant, 'task:update', ownershipOf(task))) {
    return { error: { code: 'FORBIDDEN', message: 'Missing permission task:update' } };
  }
  try {
    await shared.insideWindow(task.priority);
    const input: UpdateTaskInput = {
      statusId: set.statusId,
      priority: set.priority,
      labels: labelsAfter(task, set),
    };
    const plan = await planUpdate(deps, tx, access, task, input, shared.statusesOf);
    // The assignee was checked once for the request; what is already as asked is left out.
    const fields = withoutNoOps(task, {
      ...plan.fields,
      ...(set.assigneeId !== undefined && { assigneeId: set.assigneeId }),
    });
    return { task, plan: fields && { ...plan, fields } };
  } catch (error) {
    if (error instanceof DomainError) return { error: itemError(error) };
    throw error;
  }
}

/** The task's new label set, when the request touches labels. */
function labelsAfter(task: Task, set: BulkTaskSet): string[] | undefined {
  if (set.labelsAdd === undefined && set.labelsRemove === undefined) return undefined;
  const removed = new Set(set.labelsRemove ?? []);
  return [...new Set([...task.labels, ...(set.labelsAdd ?? [])])].filter((id) => !removed.has(id));
}

function itemError(error: DomainError): BulkItemError {
  if (error instanceof ValidationError && error.details.length > 0) {
    const message = error.details.map((issue) => `${issue.field}: ${issue.message}`).join('; ');
    return { code: error.code, message };
  }
  return { code: error.code, message: error.message };
}
