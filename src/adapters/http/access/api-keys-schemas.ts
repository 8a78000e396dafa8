// Request and response schemas of /organizations/{org}/api-keys.
import { z } from 'zod';
import 'zod-openapi';
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
