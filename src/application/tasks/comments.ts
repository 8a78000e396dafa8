// Use cases of task comments. Whoever sees a task reads its comments; comment:create writes one
// (a requester on the tasks it requested) and is what every comment write takes; authors edit and
// delete their own, comment:update:any / comment:delete:any (managers and up) anyone's.
// Every write leaves a task history row and an audit entry in its own transaction, and obeys the
// write window at the task's priority.
import { authorize } from '../../domain/access/authorize.js';
import { actorIdOf } from '../../domain/identity/principal.js';
import { notFound, PreconditionFailedError } from '../../domain/shared/errors.js';
import {
  assertMayChangeComment,
  commentBody,
  type CommentChange,
  type TaskComment,
} from '../../domain/tasks/comment.js';
import type { Task } from '../../domain/tasks/task.js';
import { recordAudit } from '../access/audit.js';
import {
  inOrganization,
  readInOrganization,
  type OrganizationAccess,
} from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import type { Repositories } from '../shared/unit-of-work.js';
import type { CommentCursor } from './comments-ports.js';
import { recordHistory } from './history.js';
import { visibleTask } from './visibility.js';
import { assertInsideWriteWindow } from './write-access.js';
import { pageOf } from '../shared/page.js';

type CommentDeps = Pick<Deps, 'uow' | 'clock' | 'ids'>;

export interface CommentPage {
  readonly items: TaskComment[];
  /** Where the next page starts; null on the last page. */
  readonly next: CommentCursor | null;
}

/** A page of the task's comments, oldest first. */
export async function listComments(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
  taskRef: string,
  page: { readonly limit: number; readonly after?: CommentCursor | undefined },
): Promise<CommentPage> {
  return readInOrganization(deps, access, async (tx) => {
    const task = await visibleTask(tx, access, taskRef);
    const rows = await tx.tasks.comments.list(access.organization.id, task.id, {
      limit: page.limit + 1,
      after: page.after,
    });
    return pageOf(rows, page.limit, (last) => ({ createdAt: last.createdAt, id: last.id }));
  });
}

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
      changes: { task_id: task.id, task_key: task.key },
    });
    return comment;
  });
}

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
      changes: { task_id: task.id, body: { from: comment.body, to: body } },
    });
    return updated;
  });
}

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
      // What was said, and by whom: the comment itself is gone.
      changes: { task_id: task.id, author_id: comment.authorId, body: comment.body },
    });
  });
}

/**
 * The comment, locked until the transaction ends, after every check a change to it needs: the
 * task visible, the comment its, the caller its author or holding `comment:<change>:any`, the
 * If-Match version, the write window at the task's priority.
 */
async function changeableComment(
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
