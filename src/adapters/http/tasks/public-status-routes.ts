// The public status lookup (no login) and the route that revokes a task's tracking code.
import { z } from 'zod';
import type { Deps } from '../../../application/deps.js';
import {
  lookUpPublicStatus,
  regenerateTrackingCode,
} from '../../../application/tasks/public-status.js';
import type { PublicTaskStatus } from '../../../application/tasks/ports.js';
import { expectedVersion } from '../conditional.js';
import { respond } from '../envelope.js';
import { accessOf } from '../middleware/organization-access.js';
import { route, type RouteSpec } from '../route.js';
import { taskParams, taskSchema } from './schemas.js';
import { forbidden, notFound, respondOne, stale, tags } from './task-responses.js';

export const publicStatusSchema = z
  .object({
    tracking_code: z.string(),
    title: z.string(),
    status: z.string().meta({ description: 'The name of the workflow column the task is in' }),
    status_category: z.enum(['todo', 'in_progress', 'done']),
    updated_at: z.string(),
  })
  .meta({ id: 'PublicTaskStatus' });

export const presentPublicStatus = (status: PublicTaskStatus) => ({
  tracking_code: status.trackingCode,
  title: status.title,
  status: status.status,
  status_category: status.statusCategory,
  updated_at: status.updatedAt.toISOString(),
});

const codeParams = z.object({ code: z.string().max(200) });

export function publicStatusRoutes(deps: Deps): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/public/status/:code',
      operationId: 'getPublicTaskStatus',
      summary: 'The status of a task by its tracking code, without an account',
      description:
        'For tasks of projects with `public_lookup`. Shows the title and status only: no ids, ' +
        'people, description or comments. An unknown code, a revoked one, one of a private ' +
        'project and one of a deleted task answer the same 404. Rate limited per client address ' +
        '(PUBLIC_STATUS_LOOKUPS_PER_ADDRESS per PUBLIC_STATUS_WINDOW_SECONDS; 429 with ' +
        'Retry-After), every lookup counted, found or not. The code is read as Crockford base32: ' +
        'any case; O reads as 0, I and L as 1.',
      tags: ['Public status'],
      scope: 'public',
      params: codeParams,
      responses: {
        200: {
          description: 'The task status',
          data: publicStatusSchema,
          headers: ['Cache-Control'],
        },
        404: { description: 'No task shows under this code', headers: ['Cache-Control'] },
        429: {
          description: 'Too many lookups from this client address',
          headers: ['Cache-Control'],
        },
      },
      handler: async (ctx, { params }) => {
        ctx.set('Cache-Control', 'no-store');
        const status = await lookUpPublicStatus(deps, { code: params.code, ip: ctx.ip });
        respond(ctx, presentPublicStatus(status));
      },
    }),
    route({
      method: 'post',
      path: '/organizations/:org/tasks/:task/tracking-code',
      operationId: 'regenerateTrackingCode',
      summary: 'Revoke the task’s tracking code by drawing a new one; honours If-Match',
      description:
        'The old code answers 404 on the public lookup from the commit on. Only while the ' +
        'project has `public_lookup` (else 409).',
      tags,
      scope: 'organization',
      permission: 'task:update',
      params: taskParams,
      responses: {
        200: { description: 'The task with its new code', data: taskSchema, headers: ['ETag'] },
        403: forbidden,
        404: notFound,
        409: { description: 'The project has no public lookup' },
        412: stale,
      },
      handler: async (ctx, { params }) => {
        respondOne(
          ctx,
          await regenerateTrackingCode(deps, accessOf(ctx), params.task, expectedVersion(ctx)),
        );
      },
    }),
  ];
}
