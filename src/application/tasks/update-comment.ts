// Rewriting a comment.
import { authorize } from '../../domain/access/authorize.js';
import { commentBody, type TaskComment } from '../../domain/tasks/comment.js';
import { aboutTask, recordAudit } from '../access/audit.js';
import { inOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import { recordHistory } from './history.js';
import { changeableComment, type CommentDeps } from './comment-access.js';

/**
 * Rewrites a comment's body (its author, or comment:update:any); honours If-Match. A body equal
 * to the current one changes nothing and records nothing.
 */
export async function updateComment(
  deps: CommentDeps,
  access: OrganizationAccess,
  taskRef: string,
  commentId: string,
  input: { readonly body: string },
  expectedVersion?: number,
): Promise<TaskComment> {
  // Before anything is looked up: a caller who may not comment learns nothing.
  authorize(access.grant, 'comment:create');
  const body = commentBody(input.body);
  const organizationId = access.organization.id;
  return inOrganization(deps, access, async (tx) => {
    const { task, comment } = await changeableComment(
      deps,
      tx,
      access,
      taskRef,
      commentId,
      'update',
      expectedVersion,
    );
    if (comment.body === body) return comment;
    const updated = await tx.tasks.comments.update(
      organizationId,
      comment.id,
      body,
      deps.clock.now(),
    );
    await recordHistory(deps, tx, access, task, 'comment_edited', { comment_id: comment.id });
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'comment.updated',
      targetType: 'comment',
      targetId: comment.id,
      about: aboutTask(task),
      changes: { task_id: task.id, body: { from: comment.body, to: body } },
    });
    return updated;
  });
}
