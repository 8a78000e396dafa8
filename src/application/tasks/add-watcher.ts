// Putting a member on a task's watchers.
import { authorize, can, permissionsOf } from '../../domain/access/authorize.js';
import { actorIdOf } from '../../domain/identity/principal.js';
import { notFound, ValidationError } from '../../domain/shared/errors.js';
import { isUuid } from '../../domain/shared/id.js';
import { ownershipOf, type Task } from '../../domain/tasks/task.js';
import { aboutTask, recordAudit } from '../access/audit.js';
import {
  inOrganization,
  permissionsOfRole,
  type OrganizationAccess,
} from '../access/resolve-access.js';
import type { Repositories } from '../shared/unit-of-work.js';
import { visibleTask } from './visibility.js';
import { assertInsideWriteWindow } from './write-access.js';
import type { TaskWatcher } from './watchers-ports.js';
import type { WatcherDeps } from './watcher-deps.js';

export interface AddedWatcher {
  readonly watcher: TaskWatcher;
  /** False when the user already watched the task (nothing changed). */
  readonly added: boolean;
}

/**
 * Puts a member on the task's watchers: the caller itself by default (an API key, which is no
 * user, must name one). The member must be able to see the task. Watching twice is no error.
 */
export async function addWatcher(
  deps: WatcherDeps,
  access: OrganizationAccess,
  taskRef: string,
  input: { readonly userId?: string | undefined },
): Promise<AddedWatcher> {
  const userId = input.userId ?? callerUserId(access);
  const forSomeoneElse = userId !== actorIdOf(access.principal);
  // Before anything is looked up: a caller who may never do this learns nothing.
  authorize(access.grant, forSomeoneElse ? 'task:update' : 'task:read');
  const organizationId = access.organization.id;
  return inOrganization(deps, access, async (tx) => {
    const task = await visibleTask(tx, access, taskRef);
    if (forSomeoneElse) authorize(access.grant, 'task:update', ownershipOf(task));
    await assertMaySee(tx, organizationId, task, userId);
    await assertInsideWriteWindow(deps, tx, access, task.priority);
    const added = await tx.tasks.watchers.add(organizationId, task.id, userId, deps.clock.now());
    if (added) {
      await recordAudit(deps, tx, access.principal, organizationId, {
        action: 'task.watcher_added',
        targetType: 'task',
        targetId: task.id,
        about: aboutTask(task),
        changes: { user_id: userId },
      });
    }
    const watcher =
      (await tx.tasks.watchers.find(organizationId, task.id, userId)) ?? notFound('watcher');
    return { watcher, added };
  });
}

function callerUserId(access: OrganizationAccess): string {
  if (access.principal.kind === 'user') return access.principal.userId;
  throw ValidationError.field('user_id', 'An API key watches nothing itself: name the user');
}

/**
 * The would-be watcher must be a member who may read the task (a requester only the tasks it
 * requested): nobody is told about a task it may not see.
 */
async function assertMaySee(
  tx: Pick<Repositories, 'memberships' | 'roles'>,
  organizationId: string,
  task: Task,
  userId: string,
): Promise<void> {
  const membership = isUuid(userId) ? await tx.memberships.find(organizationId, userId) : undefined;
  if (!membership) throw ValidationError.field('user_id', 'Not a member of the organization');
  const permissions = await permissionsOfRole(tx, organizationId, membership.role);
  const grant = {
    actorId: userId,
    role: membership.role,
    permissions: permissionsOf(permissions ?? []),
  };
  if (!can(grant, 'task:read', ownershipOf(task))) {
    throw ValidationError.field('user_id', 'The member may not see this task');
  }
}
