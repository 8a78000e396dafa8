// /organizations/{org}/tasks/{task}/comments: the conversation on a task, oldest first. Whoever
// sees the task reads it; comment:create writes (a requester on the tasks it requested); authors
// edit and delete their own comments, comment:update:any / comment:delete:any anyone's. PATCH
// and DELETE honour If-Match (the ETag is the comment's version).
import { z } from 'zod';
import type { Deps } from '../../../application/deps.js';
import type { CommentCursor } from '../../../application/tasks/comments-ports.js';
import { createComment } from '../../../application/tasks/create-comment.js';
import { deleteComment } from '../../../application/tasks/delete-comment.js';
import { getComment } from '../../../application/tasks/get-comment.js';
import { listComments } from '../../../application/tasks/list-comments.js';
import { updateComment } from '../../../application/tasks/update-comment.js';
import type { TaskComment } from '../../../domain/tasks/comment.js';
import { expectedVersion, setEtag } from '../conditional.js';
import type { AppContext } from '../context.js';
import { respond } from '../envelope.js';
import { organizationUrl } from '../locations.js';
import { accessOf } from '../middleware/organization-access.js';
import { route, type RouteSpec } from '../route.js';
import { listQuery } from '../schemas.js';
import {
  commentParams,
  commentSchema,
  createCommentBody,
  updateCommentBody,
} from './comments-schemas.js';
import { decodeHistoryCursor, encodeHistoryCursor } from './presenters.js';
import { taskParams } from './schemas.js';

const tags = ['Tasks'];

export function presentComment(comment: TaskComment) {
  return {
    id: comment.id,
    task_id: comment.taskId,
    author_id: comment.authorId,
    body: comment.body,
    version: comment.version,
    created_at: comment.createdAt.toISOString(),
    updated_at: comment.updatedAt.toISOString(),
  };
}

function respondOne(ctx: AppContext, comment: TaskComment, created = false) {
  setEtag(ctx, comment.version);
  respond(
    ctx,
    presentComment(comment),
    created
      ? {
          status: 201,
          location: organizationUrl(ctx, 'tasks', comment.taskId, 'comments', comment.id),
        }
      : {},
  );
}

// The same wire form as history cursors: the last row's time and id.
const encodeCommentCursor = (cursor: CommentCursor) =>
  encodeHistoryCursor({ at: cursor.createdAt, id: cursor.id });

function decodeCommentCursor(raw: string | undefined): CommentCursor | undefined {
  const cursor = decodeHistoryCursor(raw);
  return cursor && { createdAt: cursor.at, id: cursor.id };
}

const notFound = {
  description: 'No such organization, task or comment, or the caller may not see the task',
};
const stale = { description: 'If-Match does not match the current ETag' };
const forbiddenChange = (change: 'update' | 'delete') => ({
  description:
    `The caller lacks comment:create, or the comment is someone else’s and the caller lacks ` +
    `comment:${change}:any; or OUTSIDE_WORKING_HOURS under the write window`,
});

export function taskCommentsRoutes(deps: Deps): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/organizations/:org/tasks/:task/comments',
      operationId: 'listTaskComments',
      summary: 'The task’s comments, oldest first',
      tags,
      scope: 'organization',
      permission: 'task:read',
      params: taskParams,
      query: listQuery,
      responses: {
        200: { description: 'Comments', data: z.array(commentSchema), paginated: true },
        403: { description: 'The caller lacks the permission' },
        404: notFound,
        422: { description: 'Invalid limit or cursor' },
      },
      handler: async (ctx, { params, query }) => {
        const page = await listComments(deps, accessOf(ctx), params.task, {
          limit: query.limit,
          after: decodeCommentCursor(query.cursor),
        });
        const next = page.next === null ? null : encodeCommentCursor(page.next);
        respond(ctx, page.items.map(presentComment), {
          pagination: { limit: query.limit, next_cursor: next, has_more: next !== null },
        });
      },
    }),
    route({
      method: 'post',
      path: '/organizations/:org/tasks/:task/comments',
      operationId: 'createTaskComment',
      summary: 'Comment on the task',
      tags,
      scope: 'organization',
      permission: 'comment:create',
      params: taskParams,
      body: createCommentBody,
      responses: {
        201: { description: 'The comment', data: commentSchema, headers: ['ETag'] },
        403: {
          description:
            'The caller lacks comment:create, or OUTSIDE_WORKING_HOURS under the write window',
        },
        404: notFound,
        422: { description: 'An empty or too long body, or an unknown field' },
      },
      handler: async (ctx, { params, body }) => {
        const comment = await createComment(deps, accessOf(ctx), params.task, body);
        respondOne(ctx, comment, true);
      },
    }),
    route({
      method: 'get',
      path: '/organizations/:org/tasks/:task/comments/:comment_id',
      operationId: 'getTaskComment',
      summary: 'One comment of the task',
      tags,
      scope: 'organization',
      permission: 'task:read',
      params: commentParams,
      responses: {
        200: { description: 'The comment', data: commentSchema, headers: ['ETag'] },
        403: { description: 'The caller lacks the permission' },
        404: notFound,
      },
      handler: async (ctx, { params }) => {
        respondOne(ctx, await getComment(deps, accessOf(ctx), params.task, params.comment_id));
      },
    }),
    route({
      method: 'patch',
      path: '/organizations/:org/tasks/:task/comments/:comment_id',
      operationId: 'updateTaskComment',
      summary: 'Rewrite a comment (its author, or comment:update:any); honours If-Match',
      tags,
      scope: 'organization',
      permission: 'comment:create',
      params: commentParams,
      body: updateCommentBody,
      responses: {
        200: { description: 'The comment', data: commentSchema, headers: ['ETag'] },
        403: forbiddenChange('update'),
        404: notFound,
        412: stale,
        422: { description: 'An empty or too long body, or an unknown field' },
      },
      handler: async (ctx, { params, body }) => {
        const comment = await updateComment(
          deps,
          accessOf(ctx),
          params.task,
          params.comment_id,
          body,
          expectedVersion(ctx),
        );
        respondOne(ctx, comment);
      },
    }),
    route({
      method: 'delete',
      path: '/organizations/:org/tasks/:task/comments/:comment_id',
      operationId: 'deleteTaskComment',
      summary: 'Delete a comment (its author, or comment:delete:any); honours If-Match',
      tags,
      scope: 'organization',
      permission: 'comment:create',
      params: commentParams,
      responses: {
        204: { description: 'Deleted' },
        403: forbiddenChange('delete'),
        404: notFound,
        412: stale,
      },
      handler: async (ctx, { params }) => {
        await deleteComment(
          deps,
          accessOf(ctx),
          params.task,
          params.comment_id,
          expectedVersion(ctx),
        );
        ctx.status = 204;
      },
    }),
  ];
}
