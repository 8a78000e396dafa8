// A project's activity log (FlowTrack's ActivityLog): newest first, one line per change.
import { z } from 'zod';
import type { Deps } from '../../../application/deps.js';
import { projectActivity } from '../../../application/events/project-activity.js';
import { activitySummary, type ActivityEntry } from '../../../domain/events/activity.js';
import { EVENT_TYPES } from '../../../domain/events/event.js';
import { respond } from '../envelope.js';
import { accessOf } from '../middleware/organization-access.js';
import { projectParams } from '../projects/schemas.js';
import { route, type RouteSpec } from '../route.js';
import { decodeIdCursor, encodeCursor, listQuery } from '../schemas.js';

const activitySchema = z
  .object({
    id: z.uuid().meta({ description: 'The event’s id (the events feed names it the same)' }),
    action: z.enum(EVENT_TYPES),
    actor: z.object({
      type: z.enum(['user', 'apikey']),
      id: z.uuid(),
      name: z.string().nullable().meta({ description: 'null once the user or key is gone' }),
    }),
    subject: z.object({
      type: z.string().meta({ example: 'task' }),
      id: z.string().nullable(),
      key: z.string().nullable().meta({ example: 'RE-12' }),
      title: z.string().nullable().meta({ description: 'The task’s current title' }),
    }),
    summary: z.string().meta({ example: 'Ana moved RE-12 “Fix login”' }),
    occurred_at: z.iso.datetime(),
  })
  .meta({ id: 'ActivityEntry' });

function present(entry: ActivityEntry) {
  const { event } = entry;
  return {
    id: event.id,
    action: event.type,
    actor: { ...event.actor, name: entry.actorName },
    subject: { ...event.subject, title: entry.taskTitle },
    summary: activitySummary(entry),
    occurred_at: event.occurredAt.toISOString(),
  };
}

export function activityRoutes(deps: Deps): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/organizations/:org/projects/:project/activity',
      operationId: 'projectActivity',
      summary: 'What happened in the project, newest first, one line per change',
      tags: ['Events'],
      scope: 'organization',
      permission: 'project:read',
      params: projectParams,
      query: listQuery,
      responses: {
        200: {
          description:
            'The project’s activity, each entry shown only if the caller may read what it is about',
          data: z.array(activitySchema),
          paginated: true,
        },
        404: { description: 'No such organization or project' },
      },
      handler: async (ctx, { params, query }) => {
        const page = await projectActivity(deps, accessOf(ctx), params.project, {
          before: decodeIdCursor(query.cursor),
          limit: query.limit,
        });
        const next = page.nextCursor === null ? null : encodeCursor(page.nextCursor);
        respond(ctx, page.items.map(present), {
          pagination: { limit: query.limit, next_cursor: next, has_more: next !== null },
        });
      },
    }),
  ];
}
