// Request and response schemas of /organizations/:org/audit-log.
import { z } from 'zod';
import 'zod-openapi';
import { organizationParams } from '../organizations/schemas.js';
import { listQuery, uuid } from '../schemas.js';

const rfc3339 = z.iso.datetime({ offset: true }).meta({ example: '2026-11-23T10:30:00Z' });

export const auditLogParams = organizationParams;

export const auditLogQuery = listQuery.extend({
  actor_id: uuid.optional().meta({ description: 'Only entries by this user or API key' }),
  action: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .meta({ description: 'Only this action', example: 'organization.updated' }),
  target_type: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .meta({ description: 'Only entries about this kind of target', example: 'organization' }),
  since: rfc3339.optional().meta({ description: 'RFC 3339; entries at or after this time' }),
  until: rfc3339.optional().meta({ description: 'RFC 3339; entries before this time' }),
});

export const auditEntrySchema = z
  .object({
    id: z.uuid(),
    actor_type: z.enum(['user', 'apikey']),
    actor_id: z.uuid(),
    action: z.string().meta({ example: 'member.role_changed' }),
    target_type: z.string().meta({ example: 'membership' }),
    target_id: z.string().nullable(),
    changes: z
      .record(z.string(), z.unknown())
      .meta({ description: '`{field: {from, to}}` for changes; details for creations' }),
    ip: z.string().nullable(),
    user_agent: z.string().nullable(),
    request_id: z.string().nullable(),
    at: z.iso.datetime(),
  })
  .meta({ id: 'AuditEntry' });
