// /organizations/{org}/projects/{project}/statuses: the ordered workflow columns.
import { z } from 'zod';
import type { Deps } from '../../../application/deps.js';
import { getWorkflow } from '../../../application/projects/get-workflow.js';
import { MAX_WORKFLOW_STATUSES } from '../../../domain/projects/workflow.js';
import { replaceWorkflow } from '../../../application/projects/replace-workflow.js';
import { respond } from '../envelope.js';
import { accessOf } from '../middleware/organization-access.js';
import { route, type RouteSpec } from '../route.js';
import { presentStatus } from './presenters.js';
import { projectParams } from './schemas.js';
import { replaceStatusesBody, replaceStatusesQuery, statusSchema } from './workflow-schemas.js';

const tags = ['Projects'];
const notFound = { description: 'No such organization or project, or the caller is not a member' };

export function workflowRoutes(deps: Deps): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/organizations/:org/projects/:project/statuses',
      operationId: 'listProjectStatuses',
      summary: `The project’s workflow statuses, in order: the whole set (at most ${MAX_WORKFLOW_STATUSES}), not paged`,
      tags,
      scope: 'organization',
      permission: 'project:read',
      params: projectParams,
      responses: {
        200: {
          description: `Every status of the workflow, at most ${MAX_WORKFLOW_STATUSES}; no meta.pagination (limit or cursor → 422)`,
          data: z.array(statusSchema),
        },
        403: { description: 'The caller lacks the permission' },
        404: notFound,
      },
      handler: async (ctx, { params }) => {
        const statuses = await getWorkflow(deps, accessOf(ctx), params.project);
        respond(ctx, statuses.map(presentStatus));
      },
    }),
    route({
      method: 'put',
      path: '/organizations/:org/projects/:project/statuses',
      operationId: 'replaceProjectStatuses',
      summary:
        'Replace the workflow: reorder, rename, recategorize, add (no id) and drop (left out) statuses; ?move_to= receives the tasks of dropped statuses',
      tags,
      scope: 'organization',
      permission: 'project:update',
      params: projectParams,
      query: replaceStatusesQuery,
      body: replaceStatusesBody,
      responses: {
        200: { description: 'The new workflow', data: z.array(statusSchema) },
        403: { description: 'The caller lacks the permission' },
        404: notFound,
        409: {
          description:
            'A dropped status still holds live tasks and no move_to names where they go; the message names the statuses',
        },
        422: {
          description: 'A broken workflow rule, or a move_to naming no status of the new list',
        },
      },
      handler: async (ctx, { params, query, body }) => {
        const statuses = await replaceWorkflow(deps, accessOf(ctx), params.project, {
          statuses: body,
          moveTo: query.move_to,
        });
        respond(ctx, statuses.map(presentStatus));
      },
    }),
  ];
}
