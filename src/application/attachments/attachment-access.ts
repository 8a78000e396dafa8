// What every attachment use case checks. Whoever reads a task reads its attachments; adding or
// removing one takes task:update on the task (in its scope: a member on the tasks it created or
// is assigned), inside the organization's write window at the task's priority.
import { authorize } from '../../domain/access/authorize.js';
import { notFound } from '../../domain/shared/errors.js';
import type { TaskComment } from '../../domain/tasks/comment.js';
import { ownershipOf, type Task } from '../../domain/tasks/task.js';
import type { OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import type { Repositories } from '../shared/unit-of-work.js';
import { visibleTask } from '../tasks/visibility.js';
import { assertInsideWriteWindow } from '../tasks/write-access.js';

export type AttachmentDeps = Pick<Deps, 'uow' | 'clock' | 'ids' | 'attachments' | 'background'>;

/** The task (and comment) a file may be added to or removed from by the caller. */
export async function attachableTask(
  deps: Pick<Deps, 'clock'>,
  tx: Pick<Repositories, 'tasks' | 'users'>,
  access: OrganizationAccess,
  taskRef: string,
  commentId?: string,
): Promise<{ task: Task; comment: TaskComment | undefined }> {
  const task = await visibleTask(tx, access, taskRef);
  authorize(access.grant, 'task:update', ownershipOf(task));
  const comment = await commentOf(tx, access, task, commentId);
  await assertInsideWriteWindow(deps, tx, access, task.priority);
  return { task, comment };
}

/** The task's comment named, or NotFoundError; undefined when none is named. */
export async function commentOf(
  tx: Pick<Repositories, 'tasks'>,
  access: OrganizationAccess,
  task: Task,
  commentId: string | undefined,
): Promise<TaskComment | undefined> {
  if (commentId === undefined) return undefined;
  return (
    (await tx.tasks.comments.find(access.organization.id, task.id, commentId)) ??
    notFound('comment')
  );
}
