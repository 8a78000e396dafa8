// The events feed: how a service that consumes TeamFlow catches up without a socket.
import { z } from 'zod';
import type { Deps } from '../../../application/deps.js';
import { listEvents } from '../../../application/events/list-events.js';
import { presentEvent } from '../../shared/event-json.js';
import { respond } from '../envelope.js';
import { accessOf } from '../middleware/organization-access.js';
import { route, type RouteSpec } from '../route.js';
import { eventSchema, eventsParams, eventsQuery } from './schemas.js';

export function eventsRoutes(deps: Deps): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/organizations/:org/events',
      operationId: 'listEvents',
      summary: 'What happened in the organization, oldest first: the events feed',
      tags: ['Events'],
      scope: 'organization',
      permission: 'organization:read',
      params: eventsParams,
      query: eventsQuery,
      responses: {
        200: {
          description:
            'Committed events after `after`, in a stable order that never skips one whose ' +
            'transaction committed late; each shown only if the caller may read what it is ' +
            'about. `meta.pagination.next_cursor` is the id of the last event: pass it as `after`.',
          data: z.array(eventSchema),
          paginated: true,
        },
        404: { description: 'No such organization, or the caller is not a member' },
        422: { description: 'Unknown event type, or `after` names no kept event (resynchronise)' },
      },
      handler: async (ctx, { query }) => {
        const page = await listEvents(deps, accessOf(ctx), {
          after: query.after,
          types: query.types,
          limit: query.limit,
        });
        respond(ctx, page.items.map(presentEvent), {
          pagination: {
            limit: query.limit,
            next_cursor: page.nextCursor,
            has_more: page.nextCursor !== null,
          },
        });
      },
    }),
  ];
}
