// Reading one comment of a task.
import { notFound } from '../../domain/shared/errors.js';
import type { TaskComment } from '../../domain/tasks/comment.js';
import { readInOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import { visibleTask } from './visibility.js';

/** One comment of a task the caller sees. */
export async function getComment(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
  taskRef: string,
  commentId: string,
): Promise<TaskComment> {
  return readInOrganization(deps, access, async (tx) => {
    const task = await visibleTask(tx, access, taskRef);
    return (
      (await tx.tasks.comments.find(access.organization.id, task.id, commentId)) ??
      notFound('comment')
    );
  });
}
