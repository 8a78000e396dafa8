// Request and response schemas of /organizations.
import { z } from 'zod';
import 'zod-openapi';

// Shape only; the slug and name rules live in the domain and answer with field details.
const slug = z
  .string()
  .max(100)
  .meta({ description: '3–48 lower-case letters, digits, hyphens', example: 'acme' });
const name = z.string().max(500).meta({ example: 'Acme Inc.' });
const timezone = z.string().min(1).max(64).meta({ example: 'Europe/Amsterdam' });

export const createOrganizationBody = z.object({ name, slug, timezone: timezone.optional() });
export const updateOrganizationBody = z
  .object({ name: name.optional(), slug: slug.optional(), timezone: timezone.optional() })
  .strict();
export const organizationParams = z.object({
  org: z.string().min(1).max(100).meta({ description: 'Organization id or slug' }),
});

export const organizationSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    slug: z.string(),
    timezone: z.string(),
    role: z.string().meta({
      description: 'The caller’s role: a built-in role name or a custom role id',
    }),
    version: z.number().int(),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
  })
  .meta({ id: 'Organization' });
