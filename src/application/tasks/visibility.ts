// What a caller may see of tasks: a task it may not see does not exist for it.
import { authorize, can, type Grant } from '../../domain/access/authorize.js';
import { notFound } from '../../domain/shared/errors.js';
import { ownershipOf, type Task } from '../../domain/tasks/task.js';
import type { OrganizationAccess } from '../access/resolve-access.js';
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
export function readable(access: OrganizationAccess, task: Task | undefined): Task {
  if (!task || !can(access.grant, 'task:read', ownershipOf(task))) return notFound('task');
  return task;
}
