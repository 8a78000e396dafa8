// Use cases of task watchers: the people told about a task's changes (notifications come later;
// this keeps the list). Whoever sees a task reads its watchers and may watch it, or stop; putting
// someone else on the list, or taking them off, takes task:update on the task. Nobody watches
// automatically: the reporter and the assignee are told of changes as such, not as watchers.
// Changes are audited and obey the write window at the task's priority.
import { authorize, can, permissionsOf } from '../../domain/access/authorize.js';
import { actorIdOf } from '../../domain/identity/principal.js';
import { notFound, ValidationError } from '../../domain/shared/errors.js';
import { isUuid } from '../../domain/shared/id.js';
import { ownershipOf, type Task } from '../../domain/tasks/task.js';
import { recordAudit } from '../access/audit.js';
import {
  inOrganization,
  readInOrganization,
  permissionsOfRole,
  type OrganizationAccess,
} from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import type { Repositories } from '../shared/unit-of-work.js';
import { visibleTask } from './visibility.js';
import { assertInsideWriteWindow } from './write-access.js';
import type { TaskWatcher, WatcherCursor } from './watchers-ports.js';
import { pageOf } from '../shared/page.js';

type WatcherDeps = Pick<Deps, 'uow' | 'clock' | 'ids'>;

export interface WatcherPage {
  readonly items: TaskWatcher[];
  /** Where the next page starts; null on the last page. */
  readonly next: WatcherCursor | null;
}

/** A page of the task's watchers, in the order they were added. */
export async function listWatchers(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
  taskRef: string,
  page: { readonly limit: number; readonly after?: WatcherCursor | undefined },
): Promise<WatcherPage> {
  return readInOrganization(deps, access, async (tx) => {
    const task = await visibleTask(tx, access, taskRef);
    const rows = await tx.tasks.watchers.list(access.organization.id, task.id, {
      limit: page.limit + 1,
      after: page.after,
    });
    return pageOf(rows, page.limit, (last) => ({ addedAt: last.addedAt, userId: last.userId }));
  });
}

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
        changes: { user_id: userId },
      });
    }
    const watcher =
      (await tx.tasks.watchers.find(organizationId, task.id, userId)) ?? notFound('watcher');
    return { watcher, added };
  });
}

/** Takes a user off the task's watchers: oneself always, anyone else with task:update. */
export async function removeWatcher(
  deps: WatcherDeps,
  access: OrganizationAccess,
  taskRef: string,
  userId: string,
): Promise<void> {
  const forSomeoneElse = userId !== actorIdOf(access.principal);
  authorize(access.grant, forSomeoneElse ? 'task:update' : 'task:read');
  const organizationId = access.organization.id;
  await inOrganization(deps, access, async (tx) => {
    const task = await visibleTask(tx, access, taskRef);
    if (forSomeoneElse) authorize(access.grant, 'task:update', ownershipOf(task));
    await assertInsideWriteWindow(deps, tx, access, task.priority);
    if (!(await tx.tasks.watchers.remove(organizationId, task.id, userId))) notFound('watcher');
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'task.watcher_removed',
      targetType: 'task',
      targetId: task.id,
      changes: { user_id: userId },
    });
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
