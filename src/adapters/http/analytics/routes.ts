// GET /organizations/{org}/analytics: the envelope (JSON) or, with Accept: text/csv, the same
// tables as CSV in long form (one row per figure: table, group, key, metric, value).
import { z } from 'zod';
import 'zod-openapi';
import { getAnalytics } from '../../../application/analytics/get-analytics.js';
import type { Deps } from '../../../application/deps.js';
import type { AppContext } from '../context.js';
import { respond } from '../envelope.js';
import { accessOf } from '../middleware/organization-access.js';
import { organizationParams } from '../organizations/schemas.js';
import { route, type RouteSpec } from '../route.js';
import { envelopeOf, uuid } from '../schemas.js';
import { analyticsCsv } from './csv.js';
import { presentAnalytics } from './presenters.js';
import { analyticsSchema } from './schemas.js';

const moment = z.iso
  .datetime({ offset: true })
  .or(z.iso.date())
  .transform((value) => new Date(value))
  .meta({ description: 'RFC 3339, or a date (midnight UTC)', example: '2026-11-01' });

const analyticsQuery = z.strictObject({
  project_id: z.string().min(1).max(100).optional().meta({ description: 'A project id or key' }),
  team_id: uuid.optional().meta({ description: 'Tasks assigned to members of this team' }),
  assignee_id: z
    .string()
    .max(100)
    .optional()
    .meta({ description: 'Tasks assigned to this member (`me`: the caller)' }),
  from: moment
    .optional()
    .meta({ description: 'Start of the period (default: 12 weeks before to)' }),
  to: moment.optional().meta({ description: 'End of the period, exclusive (default: now)' }),
});

function wantsCsv(ctx: AppContext): boolean {
  return ctx.accepts('application/json', 'text/csv') === 'text/csv';
}

export function analyticsRoutes(deps: Deps): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/organizations/:org/analytics',
      operationId: 'getAnalytics',
      summary: 'Counts, throughput, cycle time, efficiency score and workload of the tasks',
      description:
        'analytics:read:any (managers and up, viewers) counts the whole organization; ' +
        'analytics:read:own (members, requesters) the tasks assigned to or reported by the caller ' +
        'and, for a caller who may read every task, those assigned to members of its teams. ' +
        'totals, my_tasks, efficiency_score and workload are the state now; throughput and ' +
        'cycle_time count the completions of the period [from, to). `Accept: text/csv` answers ' +
        'the same figures as CSV, one row each: table, group, key, metric, value.',
      tags: ['Analytics'],
      scope: 'organization',
      permission: 'analytics:read',
      params: organizationParams,
      query: analyticsQuery,
      responses: {
        200: {
          description: 'The figures',
          content: {
            'application/json': envelopeOf(analyticsSchema),
            'text/csv': z.string().meta({ description: 'table,group,key,metric,value rows' }),
          },
          headers: ['Cache-Control'],
        },
        403: { description: 'The caller lacks analytics:read' },
        404: { description: 'No such organization or project, or the caller is not a member' },
        422: { description: 'A bad filter, or from not before to, or a period over 731 days' },
      },
      handler: async (ctx, { query }) => {
        const analytics = await getAnalytics(deps, accessOf(ctx), {
          projectId: query.project_id,
          teamId: query.team_id,
          assigneeId: query.assignee_id,
          from: query.from,
          to: query.to,
        });
        ctx.set('Cache-Control', 'private, no-cache');
        ctx.vary('Accept');
        if (wantsCsv(ctx)) {
          ctx.type = 'text/csv; charset=utf-8';
          ctx.set('Content-Disposition', 'attachment; filename="analytics.csv"');
          ctx.body = analyticsCsv(presentAnalytics(analytics));
          return;
        }
        respond(ctx, presentAnalytics(analytics));
      },
    }),
  ];
}
