// What a write on a task checks: that the caller may see it, has the permission in its scope, sent
// the current If-Match version, and acts inside the organization's write window.
import { authorize } from '../../domain/access/authorize.js';
import type { WorkflowStatus } from '../../domain/projects/workflow.js';
import { PreconditionFailedError } from '../../domain/shared/errors.js';
import { ownershipOf, type Priority, type Task } from '../../domain/tasks/task.js';
import { assertWriteAllowed } from '../../domain/tasks/write-window.js';
import type { OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import type { Repositories } from '../shared/unit-of-work.js';
import { readable, visibleTask } from './visibility.js';

/**
 * Refuses a write the organization's write window forbids now: evaluated on the acting user's
 * clock (an API key, which has none, on the organization's), unless `priority` is exempt.
 */
export async function assertInsideWriteWindow(
  deps: Pick<Deps, 'clock'>,
  tx: Pick<Repositories, 'users'>,
  access: OrganizationAccess,
  priority?: Priority,
): Promise<void> {
  const window = access.organization.writeWindow;
  if (!window || !window.roles.includes(access.grant.role)) return;
  const principal = access.principal;
  const timezone =
    principal.kind === 'user'
      ? ((await tx.users.findById(principal.userId))?.timezone ?? access.organization.timezone)
      : access.organization.timezone;
  assertWriteAllowed(window, {
    role: access.grant.role,
    timezone,
    priority,
    now: deps.clock.now(),
  });
}

/**
 * The task, locked until the transaction ends, after every check a write on it needs:
 * visible, `action` in scope (`task:update`, `task:delete`), the If-Match version, the window.
 */
export async function writableTask(
  deps: Pick<Deps, 'clock'>,
  tx: Pick<Repositories, 'tasks' | 'users'>,
  access: OrganizationAccess,
  ref: string,
  action: 'task:update' | 'task:delete',
  expectedVersion?: number,
  options: { readonly includeDeleted?: boolean } = {},
): Promise<Task> {
  const task = await visibleTask(tx, access, ref, { ...options, forUpdate: true });
  return mayWrite(deps, tx, access, task, action, expectedVersion);
}

/**
 * What writableTask answers for `task:update`, and the workflow of the task's project, read in the
 * same statement: for a write that may change the task's status.
 */
export async function writableTaskWithWorkflow(
  deps: Pick<Deps, 'clock'>,
  tx: Pick<Repositories, 'tasks' | 'users'>,
  access: OrganizationAccess,
  ref: string,
  expectedVersion?: number,
): Promise<{ readonly task: Task; readonly statuses: readonly WorkflowStatus[] }> {
  authorize(access.grant, 'task:read');
  const found = await tx.tasks.findWithWorkflow(access.organization.id, ref, { forUpdate: true });
  const task = readable(access, found?.task);
  return {
    task: await mayWrite(deps, tx, access, task, 'task:update', expectedVersion),
    statuses: found!.statuses,
  };
}

/** The visible, locked `task`, after the checks of a write: scope, If-Match, write window. */
async function mayWrite(
  deps: Pick<Deps, 'clock'>,
  tx: Pick<Repositories, 'users'>,
  access: OrganizationAccess,
  task: Task,
  action: 'task:update' | 'task:delete',
  expectedVersion: number | undefined,
): Promise<Task> {
  authorize(access.grant, action, ownershipOf(task));
  if (expectedVersion !== undefined && task.version !== expectedVersion) {
    throw new PreconditionFailedError('If-Match does not match the current ETag');
  }
  await assertInsideWriteWindow(deps, tx, access, task.priority);
  return task;
}
