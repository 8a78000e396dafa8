// /organizations/{org}/search: full-text over the tasks the caller may read (titles, descriptions,
// comments), best match first, in keyset pages.
import { z } from 'zod';
import type { Deps } from '../../../application/deps.js';
import { searchTasks } from '../../../application/tasks/search.js';
import type { TaskSearchCursor } from '../../../application/tasks/search-ports.js';
import { ValidationError } from '../../../domain/shared/errors.js';
import { isUuid } from '../../../domain/shared/id.js';
import { respond } from '../envelope.js';
import { accessOf } from '../middleware/organization-access.js';
import { organizationParams } from '../organizations/schemas.js';
import { route, type RouteSpec } from '../route.js';
import { decodeCursor, encodeCursor } from '../schemas.js';
import { presentTask } from '../../shared/task-fields.js';
import { searchTasksQuery, taskSearchHitSchema } from './search-schemas.js';

/** Cursors carry the last hit's rank (exact: 6 decimals at most) and task id, `[rank, id]`. */
export function encodeSearchCursor(cursor: TaskSearchCursor): string {
  return encodeCursor(JSON.stringify([cursor.rank, cursor.id]));
}

export function decodeSearchCursor(raw: string | undefined): TaskSearchCursor | undefined {
  if (raw === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(decodeCursor(raw) ?? '');
  } catch {
    value = undefined;
  }
  if (
    !Array.isArray(value) ||
    value.length !== 2 ||
    typeof value[0] !== 'number' ||
    !Number.isFinite(value[0]) ||
    value[0] < 0 ||
    typeof value[1] !== 'string' ||
    !isUuid(value[1])
  ) {
    throw ValidationError.field('cursor', 'Invalid cursor');
  }
  return { rank: value[0], id: value[1] };
}

export function taskSearchRoutes(deps: Deps): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/organizations/:org/search',
      operationId: 'searchTasks',
      summary: 'Full-text search over task titles, descriptions and comments, best match first',
      tags: ['Tasks'],
      scope: 'organization',
      permission: 'task:read',
      params: organizationParams,
      query: searchTasksQuery,
      responses: {
        200: {
          description: 'Matching tasks the caller may read (a requester: the ones it requested)',
          data: z.array(taskSearchHitSchema),
          paginated: true,
        },
        403: { description: 'The caller lacks the permission' },
        404: { description: 'No such organization or project, or the caller is not a member' },
        422: { description: 'Missing or empty q, q over 200 characters, invalid limit or cursor' },
      },
      handler: async (ctx, { query }) => {
        const page = await searchTasks(deps, accessOf(ctx), {
          q: query.q,
          projectRef: query.project_id,
          limit: query.limit,
          after: decodeSearchCursor(query.cursor),
        });
        const next = page.next === null ? null : encodeSearchCursor(page.next);
        respond(
          ctx,
          page.items.map((item) => ({
            ...presentTask(item.task),
            rank: item.rank,
            snippet: item.snippet,
            highlights: item.highlights,
          })),
          { pagination: { limit: query.limit, next_cursor: next, has_more: next !== null } },
        );
      },
    }),
  ];
}
