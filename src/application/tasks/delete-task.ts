// Deleting a task (softly: restoreTask brings it back).
import { inOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import { recordLifecycle } from './task-changes.js';
import { writableTask } from './write-access.js';

type TaskDeps = Pick<Deps, 'uow' | 'clock' | 'ids'>;

/** Soft-deletes the task: it answers 404 until restored; its key stays taken. */
export async function deleteTask(
  deps: TaskDeps,
  access: OrganizationAccess,
  ref: string,
  expectedVersion?: number,
): Promise<void> {
  await inOrganization(deps, access, async (tx) => {
    const task = await writableTask(deps, tx, access, ref, 'task:delete', expectedVersion);
    const now = deps.clock.now();
    await tx.tasks.setDeleted(access.organization.id, task.id, now, now);
    await recordLifecycle(deps, tx, access, task, 'deleted');
  });
}
