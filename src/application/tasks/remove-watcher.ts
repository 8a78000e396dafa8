// Taking a user off a task's watchers.
import { authorize } from '../../domain/access/authorize.js';
import { actorIdOf } from '../../domain/identity/principal.js';
import { notFound } from '../../domain/shared/errors.js';
import { ownershipOf } from '../../domain/tasks/task.js';
import { aboutTask, recordAudit } from '../access/audit.js';
import { inOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import { visibleTask } from './visibility.js';
import { assertInsideWriteWindow } from './write-access.js';
import type { WatcherDeps } from './watcher-deps.js';

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
      about: aboutTask(task),
      changes: { user_id: userId },
    });
  });
}
