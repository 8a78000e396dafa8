// /organizations/{org}/projects/{project}/task-types: the project's kinds of work.
import { z } from 'zod';
import type { Deps } from '../../../application/deps.js';
import { createTaskType } from '../../../application/projects/create-task-type.js';
import { deleteTaskType } from '../../../application/projects/delete-task-type.js';
import { listTaskTypes } from '../../../application/projects/list-task-types.js';
import { respond } from '../envelope.js';
import { organizationUrl } from '../locations.js';
import { accessOf } from '../middleware/organization-access.js';
import { route, type RouteSpec } from '../route.js';
import { presentTaskType } from './presenters.js';
import { projectParams } from './schemas.js';
import { createTaskTypeBody, taskTypeParams, taskTypeSchema } from './task-types-schemas.js';

const tags = ['Projects'];
const forbidden = { description: 'The caller lacks the permission' };
const notFound = { description: 'No such organization or project, or the caller is not a member' };

export function taskTypesRoutes(deps: Deps): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/organizations/:org/projects/:project/task-types',
      operationId: 'listTaskTypes',
      summary: 'The project’s task types, in the order they were added',
      tags,
      scope: 'organization',
      permission: 'project:read',
      params: projectParams,
      responses: {
        200: { description: 'Task types', data: z.array(taskTypeSchema) },
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
        201: { description: 'Created', data: taskTypeSchema },
        403: forbidden,
        404: notFound,
        409: { description: 'The project has a task type of this name' },
        422: { description: 'Invalid name' },
      },
      handler: async (ctx, { params, body }) => {
        const type = await createTaskType(deps, accessOf(ctx), params.project, body);
        respond(ctx, presentTaskType(type), {
          status: 201,
          location: organizationUrl(ctx, 'projects', type.projectId, 'task-types', type.id),
        });
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
