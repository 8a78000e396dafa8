// Request and response schemas of /organizations/{org}/api-keys and /auth/whoami.
import { z } from 'zod';
import 'zod-openapi';
import { PERMISSIONS } from '../../../domain/access/permissions.js';
import { organizationParams } from '../organizations/schemas.js';

export const apiKeyParams = organizationParams.extend({ id: z.uuid() });

// Strict: a misspelt `expiresAt` must not silently mint a key that never expires.
export const createApiKeyBody = z
  .object({
    name: z.string().max(500).meta({ description: '1–100 characters', example: 'CI deploys' }),
    role: z.string().min(1).max(100).meta({
      description: 'A built-in role name or the id of a custom role of this organization',
      example: 'member',
    }),
    expires_at: z.iso
      .datetime({ offset: true })
      .nullable()
      .optional()
      .meta({ description: 'In the future; omitted or null: never expires' }),
  })
  .strict();

export const apiKeySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string().meta({ description: 'Public part of the key: tf_<prefix>_…' }),
    role: z.string().meta({ description: 'A built-in role name or a custom role id' }),
    created_by: z.uuid().nullable().meta({ description: 'The user or API key that minted it' }),
    created_at: z.iso.datetime(),
    expires_at: z.iso.datetime().nullable(),
    last_used_at: z.iso
      .datetime()
      .nullable()
      .meta({ description: 'Updated at most once a minute' }),
    revoked_at: z.iso.datetime().nullable(),
  })
  .meta({ id: 'ApiKey' });

export const createdApiKeySchema = apiKeySchema
  .extend({
    key: z.string().meta({
      description: 'The whole key, `tf_<prefix>_<secret>`: shown this once, never again',
    }),
  })
  .meta({ id: 'CreatedApiKey' });

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
