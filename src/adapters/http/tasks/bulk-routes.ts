// POST /organizations/{org}/tasks/bulk: one change applied to many tasks, each checked on its own.
import type { Deps } from '../../../application/deps.js';
import { bulkUpdateTasks, type BulkItemResult } from '../../../application/tasks/bulk.js';
import { respond } from '../envelope.js';
import { accessOf } from '../middleware/organization-access.js';
import { organizationParams } from '../organizations/schemas.js';
import { route, type RouteSpec } from '../route.js';
import { bulkUpdateBody, bulkUpdateSchema } from './bulk-schemas.js';

const tags = ['Tasks'];

function presentResult(result: BulkItemResult) {
  return result.status === 'failed'
    ? { task_id: result.taskId, status: result.status, error: result.error }
    : { task_id: result.taskId, status: result.status, task: result.task };
}

export function taskBulkRoutes(deps: Deps): RouteSpec[] {
  return [
    route({
      method: 'post',
      path: '/organizations/:org/tasks/bulk',
      operationId: 'bulkUpdateTasks',
      summary: 'Change status, assignee, priority or labels of up to 500 tasks at once',
      tags,
      scope: 'organization',
      permission: 'task:update',
      params: organizationParams,
      body: bulkUpdateBody,
      responses: {
        200: {
          description:
            'One result per task id, in request order (with partial: true, some may have failed)',
          data: bulkUpdateSchema,
        },
        403: { description: 'The caller may not update tasks' },
        404: { description: 'No such organization, or the caller is not a member' },
        409: {
          description:
            'Without partial: some tasks cannot be changed, so none was; details name each as task_ids.<index> with "<CODE>: <reason>"',
        },
        422: {
          description:
            'No task ids or more than 500, a repeated id, nothing to change, an unknown assignee or label, a label both added and removed',
        },
      },
      handler: async (ctx, { body }) => {
        const results = await bulkUpdateTasks(deps, accessOf(ctx), {
          taskIds: body.task_ids,
          set: {
            statusId: body.set.status_id,
            assigneeId: body.set.assignee_id,
            priority: body.set.priority,
            labelsAdd: body.set.labels_add,
            labelsRemove: body.set.labels_remove,
          },
          partial: body.partial,
        });
        const count = (status: BulkItemResult['status']) =>
          results.filter((result) => result.status === status).length;
        respond(ctx, {
          results: results.map(presentResult),
          summary: {
            updated: count('updated'),
            unchanged: count('unchanged'),
            failed: count('failed'),
          },
        });
      },
    }),
  ];
}
