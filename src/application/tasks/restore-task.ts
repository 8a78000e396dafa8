// Restoring a soft-deleted task.
import { ConflictError } from '../../domain/shared/errors.js';
import type { Task } from '../../domain/tasks/task.js';
import { inOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import { recordLifecycle } from './task-changes.js';
import { writableTask } from './write-access.js';

type TaskDeps = Pick<Deps, 'uow' | 'clock' | 'ids'>;

/** Brings a deleted task back (to where it was); a task that is not deleted answers 409. */
export async function restoreTask(
  deps: TaskDeps,
  access: OrganizationAccess,
  ref: string,
  expectedVersion?: number,
): Promise<Task> {
  return inOrganization(deps, access, async (tx) => {
    const task = await writableTask(deps, tx, access, ref, 'task:delete', expectedVersion, {
      includeDeleted: true,
    });
    if (task.deletedAt === null) throw new ConflictError('The task is not deleted');
    const restored = await tx.tasks.setDeleted(
      access.organization.id,
      task.id,
      null,
      deps.clock.now(),
    );
    await recordLifecycle(deps, tx, access, task, 'restored');
    return restored;
  });
}
