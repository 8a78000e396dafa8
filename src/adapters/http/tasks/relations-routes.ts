// /organizations/{org}/tasks/{task}/relations: how a task stands to other tasks of the
// organization (blocks, blocked by, duplicates, relates to). Reading takes task:read; adding or
// removing one, task:update on the task in the path.
import { z } from 'zod';
import type { Deps } from '../../../application/deps.js';
import { addRelation } from '../../../application/tasks/add-relation.js';
import { listRelations } from '../../../application/tasks/list-relations.js';
import { removeRelation } from '../../../application/tasks/remove-relation.js';
import { MAX_RELATIONS_PER_TASK, type RelatedTask } from '../../../domain/tasks/relation.js';
import { respond } from '../envelope.js';
import { organizationUrl } from '../locations.js';
import { accessOf } from '../middleware/organization-access.js';
import { route, type RouteSpec } from '../route.js';
import { createRelationBody, relationParams, relationSchema } from './relations-schemas.js';
import { taskParams } from './schemas.js';

const tags = ['Tasks'];

export function presentRelation(relation: RelatedTask) {
  return {
    id: relation.id,
    type: relation.type,
    task_id: relation.taskId,
    task_key: relation.taskKey,
    task_title: relation.taskTitle,
    created_by: relation.createdBy,
    created_at: relation.createdAt.toISOString(),
  };
}

const notFound = { description: 'No such organization or task, or the caller may not see it' };
const forbidden = {
  description:
    'The caller lacks task:update on the task (a member changes only what it created or is ' +
    'assigned), or OUTSIDE_WORKING_HOURS under the write window',
};

export function taskRelationsRoutes(deps: Deps): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/organizations/:org/tasks/:task/relations',
      operationId: 'listTaskRelations',
      summary: `The task’s relations, oldest first, from its side: the whole set (at most ${MAX_RELATIONS_PER_TASK}), not paged`,
      tags,
      scope: 'organization',
      permission: 'task:read',
      params: taskParams,
      responses: {
        200: {
          description: `Every relation of the task, at most ${MAX_RELATIONS_PER_TASK}, leaving out those whose other task is deleted or hidden; no meta.pagination (limit or cursor → 422)`,
          data: z.array(relationSchema),
        },
        403: { description: 'The caller lacks the permission' },
        404: notFound,
      },
      handler: async (ctx, { params }) => {
        const relations = await listRelations(deps, accessOf(ctx), params.task);
        respond(ctx, relations.map(presentRelation));
      },
    }),
    route({
      method: 'post',
      path: '/organizations/:org/tasks/:task/relations',
      operationId: 'addTaskRelation',
      summary: 'Relate the task to another task of the organization',
      tags,
      scope: 'organization',
      permission: 'task:update',
      params: taskParams,
      body: createRelationBody,
      responses: {
        201: {
          description: 'The relation, from the side of the task in the path',
          data: relationSchema,
        },
        403: forbidden,
        404: notFound,
        409: {
          description:
            'The tasks already have a relation of this type (either way round), it would ' +
            `make a blocking cycle, or either task takes part in ${MAX_RELATIONS_PER_TASK} ` +
            'relations already (the most)',
        },
        422: {
          description:
            'Invalid type; task_id is the task itself, or no live task of the organization the ' +
            'caller can see',
        },
      },
      handler: async (ctx, { params, body }) => {
        const relation = await addRelation(deps, accessOf(ctx), params.task, {
          type: body.type,
          taskId: body.task_id,
        });
        // The task as the request named it (its id or its key): both name it for good.
        respond(ctx, presentRelation(relation), {
          status: 201,
          location: organizationUrl(ctx, 'tasks', params.task, 'relations', relation.id),
        });
      },
    }),
    route({
      method: 'delete',
      path: '/organizations/:org/tasks/:task/relations/:relation_id',
      operationId: 'removeTaskRelation',
      summary: 'Remove a relation (from either of its tasks)',
      tags,
      scope: 'organization',
      permission: 'task:update',
      params: relationParams,
      responses: {
        204: { description: 'Removed' },
        403: forbidden,
        404: {
          description:
            'No such organization, task or relation, or the relation does not involve the task',
        },
      },
      handler: async (ctx, { params }) => {
        await removeRelation(deps, accessOf(ctx), params.task, params.relation_id);
        ctx.status = 204;
      },
    }),
  ];
}
