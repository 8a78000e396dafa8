// /organizations/{org}/tasks/{task}/watchers: who is told about the task's changes (the telling
// comes with notifications; this keeps the list). Whoever sees the task reads the list, watches
// it and stops watching; putting anyone else on or off the list takes task:update on the task.
// Nobody watches automatically. Watching twice answers 200 with the watcher, unchanged.
import { z } from 'zod';
import type { Deps } from '../../../application/deps.js';
import type { TaskWatcher, WatcherCursor } from '../../../application/tasks/watchers-ports.js';
import { addWatcher } from '../../../application/tasks/add-watcher.js';
import { listWatchers } from '../../../application/tasks/list-watchers.js';
import { removeWatcher } from '../../../application/tasks/remove-watcher.js';
import { respond } from '../envelope.js';
import { organizationUrl } from '../locations.js';
import { accessOf } from '../middleware/organization-access.js';
import { route, type RouteSpec } from '../route.js';
import { listQuery } from '../schemas.js';
import { decodeHistoryCursor, encodeHistoryCursor } from './presenters.js';
import { taskParams } from './schemas.js';
import { addWatcherBody, watcherParams, watcherSchema } from './watchers-schemas.js';

const tags = ['Tasks'];

export function presentWatcher(watcher: TaskWatcher) {
  return {
    user_id: watcher.userId,
    name: watcher.name,
    added_at: watcher.addedAt.toISOString(),
  };
}

// The same wire form as history cursors: the last row's time and id.
const encodeWatcherCursor = (cursor: WatcherCursor) =>
  encodeHistoryCursor({ at: cursor.addedAt, id: cursor.userId });

function decodeWatcherCursor(raw: string | undefined): WatcherCursor | undefined {
  const cursor = decodeHistoryCursor(raw);
  return cursor && { addedAt: cursor.at, userId: cursor.id };
}

const notFound = { description: 'No such organization or task, or the caller may not see it' };
const forbidden = {
  description:
    'Someone else’s watching takes task:update on the task (a member changes only what it ' +
    'created or is assigned); or OUTSIDE_WORKING_HOURS under the write window',
};

export function taskWatchersRoutes(deps: Deps): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/organizations/:org/tasks/:task/watchers',
      operationId: 'listTaskWatchers',
      summary: 'The task’s watchers, in the order they were added',
      tags,
      scope: 'organization',
      permission: 'task:read',
      params: taskParams,
      query: listQuery,
      responses: {
        200: {
          description: 'Watchers who are members of the organization',
          data: z.array(watcherSchema),
          paginated: true,
        },
        403: { description: 'The caller lacks the permission' },
        404: notFound,
        422: { description: 'Invalid limit or cursor' },
      },
      handler: async (ctx, { params, query }) => {
        const page = await listWatchers(deps, accessOf(ctx), params.task, {
          limit: query.limit,
          after: decodeWatcherCursor(query.cursor),
        });
        const next = page.next === null ? null : encodeWatcherCursor(page.next);
        respond(ctx, page.items.map(presentWatcher), {
          pagination: { limit: query.limit, next_cursor: next, has_more: next !== null },
        });
      },
    }),
    route({
      method: 'post',
      path: '/organizations/:org/tasks/:task/watchers',
      operationId: 'addTaskWatcher',
      summary: 'Watch the task, or put a member on its watchers',
      tags,
      scope: 'organization',
      permission: 'task:read',
      params: taskParams,
      body: addWatcherBody,
      responses: {
        200: { description: 'Already a watcher: nothing changed', data: watcherSchema },
        201: { description: 'Added', data: watcherSchema },
        403: forbidden,
        404: notFound,
        422: {
          description:
            'user_id is not a member who may see the task, or an API key named nobody to add',
        },
      },
      handler: async (ctx, { params, body }) => {
        const { watcher, added } = await addWatcher(deps, accessOf(ctx), params.task, {
          userId: body.user_id,
        });
        // The task as the request named it (its id or its key): both name it for good.
        const location = organizationUrl(ctx, 'tasks', params.task, 'watchers', watcher.userId);
        respond(ctx, presentWatcher(watcher), added ? { status: 201, location } : {});
      },
    }),
    route({
      method: 'delete',
      path: '/organizations/:org/tasks/:task/watchers/:user_id',
      operationId: 'removeTaskWatcher',
      summary: 'Stop watching the task, or take a member off its watchers',
      tags,
      scope: 'organization',
      permission: 'task:read',
      params: watcherParams,
      responses: {
        204: { description: 'Removed' },
        403: forbidden,
        404: { description: 'No such organization or task, or the user does not watch it' },
      },
      handler: async (ctx, { params }) => {
        await removeWatcher(deps, accessOf(ctx), params.task, params.user_id);
        ctx.status = 204;
      },
    }),
  ];
}
