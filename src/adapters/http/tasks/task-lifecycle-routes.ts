// A task's life after its creation: delete, restore, move (status and place), and its history.
import { z } from 'zod';
import type { Deps } from '../../../application/deps.js';
import { deleteTask } from '../../../application/tasks/delete-task.js';
import { moveTask } from '../../../application/tasks/move-task.js';
import { restoreTask } from '../../../application/tasks/restore-task.js';
import { taskHistory } from '../../../application/tasks/task-history.js';
import { expectedVersion } from '../conditional.js';
import { respond } from '../envelope.js';
import { accessOf } from '../middleware/organization-access.js';
import { route, type RouteSpec } from '../route.js';
import { decodeHistoryCursor, encodeHistoryCursor, presentHistoryEntry } from './presenters.js';
import {
  historyEntrySchema,
  historyQuery,
  moveTaskBody,
  taskParams,
  taskSchema,
} from './schemas.js';
import { forbidden, notFound, outside, respondOne, stale, tags } from './task-responses.js';

export function taskLifecycleRoutes(deps: Deps): RouteSpec[] {
  return [
    route({
      method: 'delete',
      path: '/organizations/:org/tasks/:task',
      operationId: 'deleteTask',
      summary: 'Soft-delete a task (restorable; its key stays taken); honours If-Match',
      tags,
      scope: 'organization',
      permission: 'task:delete',
      params: taskParams,
      responses: {
        204: { description: 'Deleted' },
        403: outside,
        404: notFound,
        412: stale,
      },
      handler: async (ctx, { params }) => {
        await deleteTask(deps, accessOf(ctx), params.task, expectedVersion(ctx));
        ctx.status = 204;
      },
    }),
    route({
      method: 'post',
      path: '/organizations/:org/tasks/:task/restore',
      operationId: 'restoreTask',
      summary: 'Restore a deleted task; honours If-Match',
      tags,
      scope: 'organization',
      permission: 'task:delete',
      params: taskParams,
      responses: {
        200: { description: 'The restored task', data: taskSchema, headers: ['ETag'] },
        403: outside,
        404: notFound,
        409: { description: 'The task is not deleted' },
        412: stale,
      },
      handler: async (ctx, { params }) => {
        respondOne(ctx, await restoreTask(deps, accessOf(ctx), params.task, expectedVersion(ctx)));
      },
    }),
    route({
      method: 'post',
      path: '/organizations/:org/tasks/:task/move',
      operationId: 'moveTask',
      summary: 'Kanban move: to a column, before or after a task of it (else its bottom)',
      tags,
      scope: 'organization',
      permission: 'task:update',
      params: taskParams,
      body: moveTaskBody,
      responses: {
        200: { description: 'The moved task', data: taskSchema, headers: ['ETag'] },
        403: outside,
        404: notFound,
        412: stale,
        422: { description: 'Not a status of the project, or the neighbour is not in that column' },
      },
      handler: async (ctx, { params, body }) => {
        const version = expectedVersion(ctx);
        const task = await moveTask(
          deps,
          accessOf(ctx),
          params.task,
          { statusId: body.status_id, beforeId: body.before_id, afterId: body.after_id },
          version,
        );
        respondOne(ctx, task);
      },
    }),
    route({
      method: 'get',
      path: '/organizations/:org/tasks/:task/history',
      operationId: 'getTaskHistory',
      summary: 'Every change to the task, newest first',
      tags,
      scope: 'organization',
      permission: 'task:read',
      params: taskParams,
      query: historyQuery,
      responses: {
        200: { description: 'History', data: z.array(historyEntrySchema), paginated: true },
        403: forbidden,
        404: notFound,
      },
      handler: async (ctx, { params, query }) => {
        const page = await taskHistory(deps, accessOf(ctx), params.task, {
          limit: query.limit,
          after: decodeHistoryCursor(query.cursor),
        });
        const next = page.nextCursor === null ? null : encodeHistoryCursor(page.nextCursor);
        respond(ctx, page.items.map(presentHistoryEntry), {
          pagination: { limit: query.limit, next_cursor: next, has_more: next !== null },
        });
      },
    }),
  ];
}
