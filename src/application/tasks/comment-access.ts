// What every change to a task comment checks. Whoever sees a task reads its comments;
// comment:create writes one (a requester on the tasks it requested) and is what every comment
// write takes; authors edit and delete their own, comment:update:any / comment:delete:any
// (managers and up) anyone's. Every write leaves a task history row and an audit entry in its
// own transaction, and obeys the write window at the task's priority.
import { notFound, PreconditionFailedError } from '../../domain/shared/errors.js';
import {
  assertMayChangeComment,
  type CommentChange,
  type TaskComment,
} from '../../domain/tasks/comment.js';
import type { Task } from '../../domain/tasks/task.js';
import type { OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import type { Repositories } from '../shared/unit-of-work.js';
import { visibleTask } from './visibility.js';
import { assertInsideWriteWindow } from './write-access.js';

export type CommentDeps = Pick<Deps, 'uow' | 'clock' | 'ids'>;

/**
 * The comment, locked until the transaction ends, after every check a change to it needs: the
 * task visible, the comment its, the caller its author or holding `comment:<change>:any`, the
 * If-Match version, the write window at the task's priority.
 */
export async function changeableComment(
  deps: Pick<Deps, 'clock'>,
  tx: Repositories,
  access: OrganizationAccess,
  taskRef: string,
  commentId: string,
  change: CommentChange,
  expectedVersion: number | undefined,
): Promise<{ task: Task; comment: TaskComment }> {
  const task = await visibleTask(tx, access, taskRef);
  const comment =
    (await tx.tasks.comments.find(access.organization.id, task.id, commentId, {
      forUpdate: true,
    })) ?? notFound('comment');
  assertMayChangeComment(access.grant, comment, change);
  if (expectedVersion !== undefined && comment.version !== expectedVersion) {
    throw new PreconditionFailedError('If-Match does not match the current ETag');
  }
  await assertInsideWriteWindow(deps, tx, access, task.priority);
  return { task, comment };
}
