// Request and response schemas of /organizations/{org}/projects, their statuses and task types.
import { z } from 'zod';
import 'zod-openapi';
import {
  PROJECT_DESCRIPTION_MAX_LENGTH,
  PROJECT_NAME_MAX_LENGTH,
} from '../../../domain/projects/project.js';
import { TASK_TYPE_NAME_MAX_LENGTH } from '../../../domain/projects/task-type.js';
import {
  MAX_WORKFLOW_STATUSES,
  STATUS_CATEGORIES,
  STATUS_NAME_MAX_LENGTH,
} from '../../../domain/projects/workflow.js';
import { organizationParams } from '../organizations/schemas.js';
import { listQuery } from '../schemas.js';

// Shape and abuse bounds only; the rules (key letters, lengths, workflow) live in the domain and
// answer with field details.
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
export const taskTypeParams = projectParams.extend({
  type_id: z.string().min(1).max(100).meta({ description: 'Task type id' }),
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

const category = z.enum(STATUS_CATEGORIES);

export const replaceStatusesBody = z
  .array(
    z.object({
      id: z
        .uuid()
        .optional()
        .meta({ description: 'An existing status to keep; omit for a new one' }),
      name: z.string().max(STATUS_NAME_MAX_LENGTH * 4),
      category,
    }),
  )
  .max(MAX_WORKFLOW_STATUSES * 2)
  .meta({
    description: `The whole workflow, in order (1–${MAX_WORKFLOW_STATUSES} statuses, names unique ignoring case, at least one todo and one done). Statuses left out are dropped.`,
  });
export const replaceStatusesQuery = z.object({
  move_to: z
    .string()
    .min(1)
    .max(STATUS_NAME_MAX_LENGTH * 4)
    .optional()
    .meta({
      description:
        'The status that receives every task of the dropped statuses (appended to its column, in order): the id of a status that stays, or the name (any case) of a status in the new list. Needed when a dropped status holds live tasks (409 otherwise); without it, deleted tasks of dropped statuses go to the first status.',
    }),
});

export const createTaskTypeBody = z.object({
  name: z
    .string()
    .max(TASK_TYPE_NAME_MAX_LENGTH * 4)
    .meta({
      description: `1–${TASK_TYPE_NAME_MAX_LENGTH} characters, unique in the project`,
      example: 'Bug',
    }),
});

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

export const statusSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    category,
    position: z.number().int().meta({ description: '0-based, left to right' }),
  })
  .meta({ id: 'WorkflowStatus' });

export const taskTypeSchema = z
  .object({
    id: z.uuid(),
    project_id: z.uuid(),
    name: z.string(),
    created_at: z.iso.datetime(),
  })
  .meta({ id: 'TaskType' });
