// Routes of the access area: the audit log, read-only.
import { z } from 'zod';
import { listAuditLog } from '../../../application/access/audit-log.js';
import type { AuditEntry } from '../../../application/access/ports.js';
import type { Deps } from '../../../application/deps.js';
import { respond } from '../envelope.js';
import { accessOf } from '../middleware/organization-access.js';
import { route, type RouteSpec } from '../route.js';
import { decodeIdCursor, encodeCursor } from '../schemas.js';
import { auditEntrySchema, auditLogParams, auditLogQuery } from './audit-schemas.js';

const tags = ['Audit log'];
function presentAuditEntry(entry: AuditEntry) {
  return {
    id: entry.id,
    actor_type: entry.actorType,
    actor_id: entry.actorId,
    action: entry.action,
    target_type: entry.targetType,
    target_id: entry.targetId,
    changes: entry.changes,
    ip: entry.ip,
    user_agent: entry.userAgent,
    request_id: entry.requestId,
    at: entry.createdAt.toISOString(),
  };
}

const optionalDate = (value: string | undefined) =>
  value === undefined ? undefined : new Date(value);

export function auditRoutes(deps: Deps): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/organizations/:org/audit-log',
      operationId: 'listAuditLog',
      summary: 'Every write in the organization, newest first',
      tags,
      scope: 'organization',
      permission: 'audit:read',
      params: auditLogParams,
      query: auditLogQuery,
      responses: {
        200: { description: 'Audit entries', data: z.array(auditEntrySchema), paginated: true },
        403: { description: 'The caller lacks audit:read' },
        404: { description: 'No such organization, or the caller is not a member' },
        422: { description: 'Invalid filter or cursor; `since` later than `until`' },
      },
      handler: async (ctx, { query }) => {
        const after = decodeIdCursor(query.cursor);
        const page = await listAuditLog(deps, accessOf(ctx), {
          limit: query.limit,
          after,
          actorId: query.actor_id,
          action: query.action,
          targetType: query.target_type,
          since: optionalDate(query.since),
          until: optionalDate(query.until),
        });
        const next = page.nextCursor === null ? null : encodeCursor(page.nextCursor);
        respond(ctx, page.items.map(presentAuditEntry), {
          pagination: { limit: query.limit, next_cursor: next, has_more: next !== null },
        });
      },
    }),
  ];
}
