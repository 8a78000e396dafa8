// Changing the editable fields of a task (PATCH); planUpdate is shared with bulk changes.
import type { Project } from '../../domain/projects/project.js';
import type { WorkflowStatus } from '../../domain/projects/workflow.js';
import { ValidationError } from '../../domain/shared/errors.js';
import {
  needsWorkflow,
  planTaskEdit,
  type TaskChangePlan,
  type TaskEdit,
} from '../../domain/tasks/task-change.js';
import {
  assertParentAllowed,
  hours,
  taskDescription,
  taskTitle,
  type Priority,
  type Task,
} from '../../domain/tasks/task.js';
import { inOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import type { Repositories } from '../shared/unit-of-work.js';
import { applyTaskChanges } from './task-changes.js';
import { assertMember, labelSetOf, parentIn, typeIdOf } from './task-references.js';
import { writableTask, writableTaskWithWorkflow } from './write-access.js';

type TaskDeps = Pick<Deps, 'uow' | 'clock' | 'ids'>;

export interface UpdateTaskInput {
  readonly title?: string | undefined;
  readonly description?: string | undefined;
  /** A task type of the project by id or name; null removes the type. */
  readonly type?: string | null | undefined;
  /** A status of the task's project, by id or name. */
  readonly statusId?: string | undefined;
  readonly priority?: Priority | undefined;
  readonly assigneeId?: string | null | undefined;
  readonly dueAt?: Date | null | undefined;
  readonly estimateHours?: number | null | undefined;
  readonly actualHours?: number | null | undefined;
  /** A task of the same project, by id or key; null removes the parent. */
  readonly parentId?: string | null | undefined;
  /** The whole new label set, by label id or name. */
  readonly labels?: readonly string[] | undefined;
}

export type StatusesOf = (projectId: string) => Promise<readonly WorkflowStatus[]>;

/**
 * Checks an update request against the locked task: each value, and each reference (type,
 * member, parent rule, labels). Answers the edit as the domain plans it.
 */
async function checkedEdit(
  tx: Repositories,
  access: OrganizationAccess,
  task: Task,
  input: UpdateTaskInput,
): Promise<TaskEdit> {
  const organizationId = access.organization.id;
  const edit: { -readonly [K in keyof TaskEdit]: TaskEdit[K] } = {};
  if (input.title !== undefined) edit.title = taskTitle(input.title);
  if (input.description !== undefined) edit.description = taskDescription(input.description);
  if (input.priority !== undefined) edit.priority = input.priority;
  if (input.dueAt !== undefined) edit.dueAt = input.dueAt;
  if (input.estimateHours !== undefined) {
    edit.estimateHours = hours(input.estimateHours, 'estimate_hours');
  }
  if (input.actualHours !== undefined) {
    edit.actualHours = hours(input.actualHours, 'actual_hours');
  }
  if (input.labels !== undefined) {
    edit.labels = await labelSetOf(tx, organizationId, input.labels);
  }
  if (input.assigneeId !== undefined) {
    if (input.assigneeId !== null)
      await assertMember(tx, organizationId, input.assigneeId, 'assignee_id');
    edit.assigneeId = input.assigneeId;
  }
  if (input.type !== undefined) {
    const project = { id: task.projectId, organizationId } as Pick<
      Project,
      'id' | 'organizationId'
    >;
    edit.typeId = input.type === null ? null : await typeIdOf(tx, project, input.type);
  }
  if (input.parentId !== undefined) {
    if (input.parentId === null) {
      edit.parentId = null;
    } else {
      await tx.tasks.lockTree(organizationId, task.projectId);
      const parent = await parentIn(tx, access, { id: task.projectId }, input.parentId);
      assertParentAllowed(
        task.id,
        await tx.tasks.ancestry(organizationId, parent.id),
        await tx.tasks.subtreeHeight(organizationId, task.id),
      );
      edit.parentId = parent.id;
    }
  }
  if (input.statusId !== undefined) edit.statusId = input.statusId;
  return edit;
}

/**
 * Plans an update request on the locked task: its checked edit, and what the domain derives from
 * it (completed_at and the bottom of the new column on a status change).
 */
export async function planUpdate(
  deps: Pick<Deps, 'clock'>,
  tx: Repositories,
  access: OrganizationAccess,
  task: Task,
  input: UpdateTaskInput,
  /** The workflow of a project; a caller changing many tasks passes one that remembers. */
  statusesOf: StatusesOf = (projectId) =>
    tx.projects.statuses.list(access.organization.id, projectId),
): Promise<TaskChangePlan> {
  const edit = await checkedEdit(tx, access, task, input);
  const workflow = needsWorkflow(task, edit) ? await statusesOf(task.projectId) : undefined;
  return planTaskEdit(task, edit, deps.clock.now(), workflow);
}

/** Changes any editable field; a status change puts the task at the bottom of its new column. */
export async function updateTask(
  deps: TaskDeps,
  access: OrganizationAccess,
  ref: string,
  input: UpdateTaskInput,
  expectedVersion?: number,
): Promise<Task> {
  if (Object.values(input).every((value) => value === undefined)) {
    throw ValidationError.field('body', 'Nothing to change');
  }
  return inOrganization(deps, access, async (tx) => {
    // A status change needs the workflow: then it is read with the task.
    const { task: before, statuses } =
      input.statusId === undefined
        ? { task: await writableTask(deps, tx, access, ref, 'task:update', expectedVersion) }
        : await writableTaskWithWorkflow(deps, tx, access, ref, expectedVersion);
    const statusesOf = statuses && (async () => statuses);
    const plan = await planUpdate(deps, tx, access, before, input, statusesOf);
    return applyTaskChanges(deps, tx, access, before, plan, 'updated');
  });
}
