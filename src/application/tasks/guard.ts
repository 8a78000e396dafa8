// What every task use case checks: that the caller may see the task (a task it may not see does
// not exist for it), may write it (permission in its scope, the If-Match version, the write
// window), and the history row each change leaves.
import { authorize, can, type Grant } from '../../domain/access/authorize.js';
import type { WorkflowStatus } from '../../domain/projects/workflow.js';
import { actorIdOf } from '../../domain/identity/principal.js';
import { notFound, PreconditionFailedError, ValidationError } from '../../domain/shared/errors.js';
import { isUuid } from '../../domain/shared/id.js';
import { ownershipOf, type Priority, type Task } from '../../domain/tasks/task.js';
import { assertWriteAllowed } from '../../domain/tasks/write-window.js';
import type { OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import type { Repositories } from '../shared/unit-of-work.js';
import type { TaskFilter } from './ports.js';

/** Whether the grant reads every task of the organization (else only its own). */
export const readsAllTasks = (grant: Grant) => grant.permissions.has('task:read:any');

/**
 * The part of a list filter that keeps a caller to the tasks it may see: nothing for
 * `task:read:any`; a requester sees what it requested; other `:own` readers what they reported or
 * are assigned.
 */
export function visibilityFilter(access: OrganizationAccess): TaskFilter {
  authorize(access.grant, 'task:read');
  if (readsAllTasks(access.grant)) return {};
  const actorId = access.grant.actorId;
  return access.grant.role === 'requester' ? { reporterId: actorId } : { ownedBy: actorId };
}

/** The live task named by id or key that the caller may read, or NotFoundError. */
export async function visibleTask(
  tx: Pick<Repositories, 'tasks'>,
  access: OrganizationAccess,
  ref: string,
  options: { readonly includeDeleted?: boolean; readonly forUpdate?: boolean } = {},
): Promise<Task> {
  authorize(access.grant, 'task:read');
  return readable(access, await tx.tasks.find(access.organization.id, ref, options));
}

/** The task read, if there is one and the caller may read it; else NotFoundError. */
function readable(access: OrganizationAccess, task: Task | undefined): Task {
  if (!task || !can(access.grant, 'task:read', ownershipOf(task))) return notFound('task');
  return task;
}

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

/** Appends one history row for a change to `task` by the caller. */
export async function recordHistory(
  deps: Pick<Deps, 'ids' | 'clock'>,
  tx: Pick<Repositories, 'tasks'>,
  access: OrganizationAccess,
  task: Pick<Task, 'id'>,
  action: string,
  changes: Readonly<Record<string, unknown>>,
): Promise<void> {
  await tx.tasks.history.append([
    {
      id: deps.ids.next(),
      organizationId: access.organization.id,
      taskId: task.id,
      actorId: actorIdOf(access.principal),
      action,
      changes,
      at: deps.clock.now(),
    },
  ]);
}

/** A user a task is handed to must be a member of the organization (422 on `field`). */
export async function assertMember(
  tx: Pick<Repositories, 'memberships'>,
  organizationId: string,
  userId: string,
  field: string,
): Promise<void> {
  const member = isUuid(userId) && (await tx.memberships.find(organizationId, userId));
  if (!member) throw ValidationError.field(field, 'Not a member of the organization');
}
