// Deleting a comment.
import { authorize } from '../../domain/access/authorize.js';
import { notFound } from '../../domain/shared/errors.js';
import { aboutTask, recordAudit } from '../access/audit.js';
import { inOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import { recordHistory } from './history.js';
import { changeableComment, type CommentDeps } from './comment-access.js';

/** Deletes a comment (its author, or comment:delete:any); honours If-Match. */
export async function deleteComment(
  deps: CommentDeps,
  access: OrganizationAccess,
  taskRef: string,
  commentId: string,
  expectedVersion?: number,
): Promise<void> {
  authorize(access.grant, 'comment:create');
  const organizationId = access.organization.id;
  await inOrganization(deps, access, async (tx) => {
    const { task, comment } = await changeableComment(
      deps,
      tx,
      access,
      taskRef,
      commentId,
      'delete',
      expectedVersion,
    );
    if (!(await tx.tasks.comments.delete(organizationId, comment.id))) notFound('comment');
    await recordHistory(deps, tx, access, task, 'comment_deleted', { comment_id: comment.id });
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'comment.deleted',
      targetType: 'comment',
      targetId: comment.id,
      about: aboutTask(task),
      // What was said, and by whom: the comment itself is gone.
      changes: { task_id: task.id, author_id: comment.authorId, body: comment.body },
    });
  });
}
