// Request and response schemas of /auth/whoami.
import { z } from 'zod';
import 'zod-openapi';
import { PERMISSIONS } from '../../../domain/access/permissions.js';

export const whoamiQuery = z.object({
  organization: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .meta({ description: 'For a user: the organization (id or slug) to describe the rights in' }),
});

const organizationSummary = z.object({ id: z.uuid(), slug: z.string(), name: z.string() });

export const whoamiSchema = z
  .object({
    principal: z.discriminatedUnion('type', [
      z.object({
        type: z.literal('user'),
        id: z.uuid(),
        email: z.email(),
        session_id: z.uuid(),
      }),
      z.object({ type: z.literal('api_key'), id: z.uuid(), name: z.string(), prefix: z.string() }),
    ]),
    organization: organizationSummary.nullable(),
    role: z.string().nullable(),
    permissions: z
      .array(z.enum(PERMISSIONS))
      .meta({ description: 'Effective permissions, sorted' }),
  })
  .meta({ id: 'WhoAmI' });
