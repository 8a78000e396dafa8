// /organizations/{org}/projects/{project}/task-types: the project's kinds of work (a new project
// starts with Bug, Task and Story). A type's ETag is its version; a rename honours If-Match.
import { z } from 'zod';
import type { Deps } from '../../../application/deps.js';
import { createTaskType } from '../../../application/projects/create-task-type.js';
import { deleteTaskType } from '../../../application/projects/delete-task-type.js';
import { listTaskTypes } from '../../../application/projects/list-task-types.js';
import { renameTaskType } from '../../../application/projects/rename-task-type.js';
import { MAX_TASK_TYPES_PER_PROJECT, type TaskType } from '../../../domain/projects/task-type.js';
import { expectedVersion, setEtag } from '../conditional.js';
import type { AppContext } from '../context.js';
import { respond } from '../envelope.js';
import { organizationUrl } from '../locations.js';
import { accessOf } from '../middleware/organization-access.js';
import { route, type RouteSpec } from '../route.js';
import { presentTaskType } from './presenters.js';
import { projectParams } from './schemas.js';
import {
  createTaskTypeBody,
  renameTaskTypeBody,
  taskTypeParams,
  taskTypeSchema,
} from './task-types-schemas.js';

const tags = ['Projects'];
const forbidden = { description: 'The caller lacks the permission' };
const notFound = { description: 'No such organization or project, or the caller is not a member' };

/** A task type with its ETag; a created one answers 201 with its Location. */
function respondOne(ctx: AppContext, type: TaskType, options: { created?: boolean } = {}) {
  setEtag(ctx, type.version);
  const location = organizationUrl(ctx, 'projects', type.projectId, 'task-types', type.id);
  respond(ctx, presentTaskType(type), options.created ? { status: 201, location } : {});
}

export function taskTypesRoutes(deps: Deps): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/organizations/:org/projects/:project/task-types',
      operationId: 'listTaskTypes',
      summary: `The project’s task types, in the order they were added: the whole set (at most ${MAX_TASK_TYPES_PER_PROJECT}), not paged`,
      tags,
      scope: 'organization',
      permission: 'project:read',
      params: projectParams,
      responses: {
        200: {
          description: `Every task type of the project, at most ${MAX_TASK_TYPES_PER_PROJECT}; no meta.pagination (limit or cursor → 422)`,
          data: z.array(taskTypeSchema),
        },
        403: forbidden,
        404: notFound,
      },
      handler: async (ctx, { params }) => {
        const types = await listTaskTypes(deps, accessOf(ctx), params.project);
        respond(ctx, types.map(presentTaskType));
      },
    }),
    route({
      method: 'post',
      path: '/organizations/:org/projects/:project/task-types',
      operationId: 'createTaskType',
      summary: 'Add a task type to the project',
      tags,
      scope: 'organization',
      permission: 'project:update',
      params: projectParams,
      body: createTaskTypeBody,
      responses: {
        201: { description: 'Created', data: taskTypeSchema, headers: ['ETag'] },
        403: forbidden,
        404: notFound,
        409: {
          description: `The project has a task type of this name, or has ${MAX_TASK_TYPES_PER_PROJECT} task types already (the most)`,
        },
        422: { description: 'Invalid name' },
      },
      handler: async (ctx, { params, body }) => {
        const type = await createTaskType(deps, accessOf(ctx), params.project, body);
        respondOne(ctx, type, { created: true });
      },
    }),
    route({
      method: 'patch',
      path: '/organizations/:org/projects/:project/task-types/:type_id',
      operationId: 'renameTaskType',
      summary: 'Rename a task type (its tasks keep it); honours If-Match',
      tags,
      scope: 'organization',
      permission: 'project:update',
      params: taskTypeParams,
      body: renameTaskTypeBody,
      responses: {
        200: { description: 'The renamed task type', data: taskTypeSchema, headers: ['ETag'] },
        403: forbidden,
        404: { description: 'No such organization, project or task type' },
        409: { description: 'The project has another task type of this name' },
        412: { description: 'If-Match does not match the current ETag (or is not one of ours)' },
        422: { description: 'Invalid name, or an unknown field' },
      },
      handler: async (ctx, { params, body }) => {
        const type = await renameTaskType(deps, accessOf(ctx), params.project, params.type_id, {
          name: body.name,
          expectedVersion: expectedVersion(ctx),
        });
        respondOne(ctx, type);
      },
    }),
    route({
      method: 'delete',
      path: '/organizations/:org/projects/:project/task-types/:type_id',
      operationId: 'deleteTaskType',
      summary: 'Remove a task type from the project',
      tags,
      scope: 'organization',
      permission: 'project:update',
      params: taskTypeParams,
      responses: {
        204: { description: 'Deleted' },
        403: forbidden,
        404: { description: 'No such organization, project or task type' },
      },
      handler: async (ctx, { params }) => {
        await deleteTaskType(deps, accessOf(ctx), params.project, params.type_id);
        ctx.status = 204;
      },
    }),
  ];
}
