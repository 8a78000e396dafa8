// Tasks: lists (of a project, and across the organization), create, read by id or key, change,
// kanban move, soft delete and restore, history.
import { z } from 'zod';
import type { Deps } from '../../../application/deps.js';
import { listTasks } from '../../../application/tasks/list.js';
import { createTask } from '../../../application/tasks/create-task.js';
import { updateTask } from '../../../application/tasks/update-task.js';
import { getTaskWithRelations } from '../../../application/tasks/get-task-with-relations.js';
import { expectedVersion, setEtag } from '../conditional.js';
import type { AppContext } from '../context.js';
import { respond, respondJsonItems } from '../envelope.js';
import { accessOf } from '../middleware/organization-access.js';
import { organizationParams } from '../organizations/schemas.js';
import { route, type RouteSpec } from '../route.js';
import { forbidden, notFound, outside, respondOne, stale, tags } from './task-responses.js';
import { presentTask } from '../../shared/task-fields.js';
import { decodeTaskCursor, encodeTaskCursor } from './presenters.js';
import { presentRelation } from './relations-routes.js';
import { taskWithRelationsSchema } from './relations-schemas.js';
import {
  createTaskBody,
  listTasksQuery,
  projectParams,
  taskParams,
  taskSchema,
  updateTaskBody,
} from './schemas.js';

type ListQuery = z.infer<typeof listTasksQuery>;

async function respondList(
  ctx: AppContext,
  deps: Deps,
  query: ListQuery,
  projectRef: string | undefined,
) {
  const page = await listTasks(deps, accessOf(ctx), {
    projectRef,
    filter: {
      statusId: query.status_id,
      statusCategory: query.status_category,
      assigneeId: query.assignee_id,
      priority: query.priority,
      labelId: query.label,
      typeId: query.type,
      dueBefore: query.due_before === undefined ? undefined : new Date(query.due_before),
      dueAfter: query.due_after === undefined ? undefined : new Date(query.due_after),
      parentId: query.parent_id,
      q: query.q,
    },
    sort: query.sort,
    limit: query.limit,
    after: decodeTaskCursor(query.cursor, query.sort),
  });
  const next = page.nextCursor === null ? null : encodeTaskCursor(page.nextCursor);
  respondJsonItems(
    ctx,
    page.items.map((item) => item.rendered),
    { limit: query.limit, next_cursor: next, has_more: next !== null },
  );
}

const dateOrNull = (value: string | null | undefined) =>
  value === undefined ? undefined : value === null ? null : new Date(value);

export function tasksRoutes(deps: Deps): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/organizations/:org/projects/:project/tasks',
      operationId: 'listProjectTasks',
      summary: 'The project’s tasks, filtered and sorted, in keyset pages',
      tags,
      scope: 'organization',
      permission: 'task:read',
      params: projectParams,
      query: listTasksQuery,
      responses: {
        200: { description: 'Tasks', data: z.array(taskSchema), paginated: true },
        403: forbidden,
        404: { description: 'No such organization or project' },
      },
      handler: async (ctx, { params, query }) => {
        await respondList(ctx, deps, query, params.project);
      },
    }),
    route({
      method: 'post',
      path: '/organizations/:org/projects/:project/tasks',
      operationId: 'createTask',
      summary: 'Create a task (next key of the project, bottom of its column)',
      tags,
      scope: 'organization',
      permission: 'task:create',
      params: projectParams,
      body: createTaskBody,
      responses: {
        201: { description: 'Created', data: taskSchema, headers: ['ETag'] },
        403: outside,
        404: { description: 'No such organization or project' },
        422: { description: 'Invalid field, unknown status/type/label/assignee, bad parent' },
      },
      handler: async (ctx, { params, body }) => {
        const task = await createTask(deps, accessOf(ctx), params.project, {
          title: body.title,
          description: body.description,
          type: body.type,
          statusId: body.status_id,
          priority: body.priority,
          assigneeId: body.assignee_id,
          dueAt: body.due_at === undefined ? undefined : new Date(body.due_at),
          estimateHours: body.estimate_hours,
          parentId: body.parent_id,
          labels: body.labels,
        });
        respondOne(ctx, task, true);
      },
    }),
    route({
      method: 'get',
      path: '/organizations/:org/tasks',
      operationId: 'listTasks',
      summary: 'Tasks across every project (`assignee_id=me`: my tasks)',
      tags,
      scope: 'organization',
      permission: 'task:read',
      params: organizationParams,
      query: listTasksQuery,
      responses: {
        200: { description: 'Tasks', data: z.array(taskSchema), paginated: true },
        403: forbidden,
        404: { description: 'No such organization' },
      },
      handler: async (ctx, { query }) => {
        await respondList(ctx, deps, query, undefined);
      },
    }),
    route({
      method: 'get',
      path: '/organizations/:org/tasks/:task',
      operationId: 'getTask',
      summary: 'One task, by id or key (RE-42), with its relations',
      tags,
      scope: 'organization',
      permission: 'task:read',
      params: taskParams,
      responses: {
        200: { description: 'The task', data: taskWithRelationsSchema, headers: ['ETag'] },
        403: forbidden,
        404: notFound,
      },
      handler: async (ctx, { params }) => {
        const { task, relations } = await getTaskWithRelations(deps, accessOf(ctx), params.task);
        setEtag(ctx, task.version);
        respond(ctx, { ...presentTask(task), relations: relations.map(presentRelation) });
      },
    }),
    route({
      method: 'patch',
      path: '/organizations/:org/tasks/:task',
      operationId: 'updateTask',
      summary: 'Change any editable field; honours If-Match',
      tags,
      scope: 'organization',
      permission: 'task:update',
      params: taskParams,
      body: updateTaskBody,
      responses: {
        200: { description: 'The updated task', data: taskSchema, headers: ['ETag'] },
        403: outside,
        404: notFound,
        412: stale,
        422: { description: 'Invalid field, unknown reference, parent cycle or depth' },
      },
      handler: async (ctx, { params, body }) => {
        const version = expectedVersion(ctx);
        const task = await updateTask(
          deps,
          accessOf(ctx),
          params.task,
          {
            title: body.title,
            description: body.description,
            type: body.type,
            statusId: body.status_id,
            priority: body.priority,
            assigneeId: body.assignee_id,
            dueAt: dateOrNull(body.due_at),
            estimateHours: body.estimate_hours,
            actualHours: body.actual_hours,
            parentId: body.parent_id,
            labels: body.labels,
          },
          version,
        );
        respondOne(ctx, task);
      },
    }),
  ];
}
