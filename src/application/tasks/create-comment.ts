// Commenting on a task.
import { authorize } from '../../domain/access/authorize.js';
import { actorIdOf } from '../../domain/identity/principal.js';
import { commentBody, type TaskComment } from '../../domain/tasks/comment.js';
import { aboutTask, recordAudit } from '../access/audit.js';
import { inOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import { recordHistory } from './history.js';
import { visibleTask } from './visibility.js';
import { assertInsideWriteWindow } from './write-access.js';
import type { CommentDeps } from './comment-access.js';

/** Comments on a task the caller sees, as the caller. */
export async function createComment(
  deps: CommentDeps,
  access: OrganizationAccess,
  taskRef: string,
  input: { readonly body: string },
): Promise<TaskComment> {
  authorize(access.grant, 'comment:create');
  const body = commentBody(input.body);
  const organizationId = access.organization.id;
  return inOrganization(deps, access, async (tx) => {
    const task = await visibleTask(tx, access, taskRef);
    await assertInsideWriteWindow(deps, tx, access, task.priority);
    const comment = await tx.tasks.comments.create({
      id: deps.ids.next(),
      organizationId,
      taskId: task.id,
      authorId: actorIdOf(access.principal),
      body,
      now: deps.clock.now(),
    });
    await recordHistory(deps, tx, access, task, 'commented', { comment_id: comment.id });
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'comment.created',
      targetType: 'comment',
      targetId: comment.id,
      about: aboutTask(task),
      changes: { task_id: task.id, task_key: task.key },
    });
    return comment;
  });
}
