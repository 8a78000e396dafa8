// Request and response schemas of /organizations/{org}/projects.
import { z } from 'zod';
import 'zod-openapi';
import {
  PROJECT_DESCRIPTION_MAX_LENGTH,
  PROJECT_NAME_MAX_LENGTH,
} from '../../../domain/projects/project.js';
import { organizationParams } from '../organizations/schemas.js';
import { listQuery } from '../schemas.js';

// Shape and abuse bounds only; the rules (key letters, lengths) live in the domain and answer with
// field details.
const name = z
  .string()
  .max(PROJECT_NAME_MAX_LENGTH * 4)
  .meta({ description: `1–${PROJECT_NAME_MAX_LENGTH} characters`, example: 'Release' });
const key = z.string().max(40).meta({
  description:
    '2–10 upper-case letters A–Z, unique in the organization (deleted projects included); permanent',
  example: 'RE',
});
const description = z.string().max(PROJECT_DESCRIPTION_MAX_LENGTH * 2);
const publicLookup = z
  .boolean()
  .meta({ description: 'Whether tasks of the project may be looked up by key from outside' });

export const projectParams = organizationParams.extend({
  project: z.string().min(1).max(100).meta({ description: 'Project id or key (e.g. RE)' }),
});
export const listProjectsQuery = listQuery.extend({
  // A `name` cursor carries the last name seen (up to 120 characters, JSON-escaped, base64url).
  cursor: z
    .string()
    .max(2000)
    .optional()
    .meta({ description: 'Opaque cursor from meta.pagination.next_cursor' }),
  sort: z.enum(['-created_at', 'name']).default('-created_at').meta({
    description:
      '`-created_at` (default): newest first. `name`: A→Z ignoring case. A cursor is bound to its sort.',
  }),
  include_deleted: z.enum(['true', 'false']).default('false').meta({
    description: 'Also list deleted projects (to restore one); needs project:delete',
  }),
});

export const createProjectBody = z.object({
  name,
  key,
  description: description.optional(),
  public_lookup: publicLookup.optional(),
});
export const updateProjectBody = z
  .object({
    name: name.optional(),
    description: description.optional(),
    public_lookup: publicLookup.optional(),
  })
  .strict()
  .meta({ description: 'The key cannot change: task keys are built from it' });

export const progressSchema = z
  .object({
    todo: z.number().int(),
    in_progress: z.number().int(),
    done: z.number().int(),
    total: z.number().int(),
    percent_done: z
      .number()
      .int()
      .meta({ description: 'done ÷ total × 100, rounded down; 0 without tasks' }),
  })
  .meta({ id: 'ProjectProgress', description: 'Live tasks per status category' });

export const projectSchema = z
  .object({
    id: z.uuid(),
    key: z.string(),
    name: z.string(),
    description: z.string(),
    public_lookup: z.boolean(),
    created_by: z.uuid().nullable(),
    progress: progressSchema,
    version: z.number().int(),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
    deleted_at: z.iso.datetime().nullable(),
  })
  .meta({ id: 'Project' });
