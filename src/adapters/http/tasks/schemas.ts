// Request and response schemas of tasks: /organizations/{org}/projects/{project}/tasks and
// /organizations/{org}/tasks[/{task}].
import { z } from 'zod';
import 'zod-openapi';
import { LABEL_NAME_MAX_LENGTH } from '../../../domain/labels/label.js';
import { STATUS_CATEGORIES, STATUS_NAME_MAX_LENGTH } from '../../../domain/projects/workflow.js';
import {
  MAX_LABELS_PER_TASK,
  PRIORITIES,
  TASK_DESCRIPTION_MAX_LENGTH,
  TASK_TITLE_MAX_LENGTH,
} from '../../../domain/tasks/task.js';
import type { PresentedTask } from '../../shared/task-fields.js';
import { organizationParams } from '../organizations/schemas.js';
import { projectParams } from '../projects/schemas.js';
import { listQuery } from '../schemas.js';

export const taskParams = organizationParams.extend({
  task: z.string().min(1).max(100).meta({ description: 'Task id or key (e.g. RE-42)' }),
});
export { projectParams };

// Shape and abuse bounds only; the rules (trimmed title, hours, due date) live in the domain and
// answer with field details.
const title = z
  .string()
  .max(TASK_TITLE_MAX_LENGTH * 2)
  .meta({ description: `1–${TASK_TITLE_MAX_LENGTH} characters`, example: 'Ship the release' });
const description = z.string().max(TASK_DESCRIPTION_MAX_LENGTH * 2);
const priority = z.enum(PRIORITIES);
const time = z.iso.datetime({ offset: true }).meta({ description: 'RFC 3339' });
const hoursValue = z.number().meta({ description: 'Hours, 0–100000' });
const type = z
  .string()
  .min(1)
  .max(200)
  .meta({ description: 'A task type of the project, by id or name' });

// References a request may make by UUID or by what people call the thing (docs/api.md,
// Identifiers); the application resolves them within the organization or the task's project.
/** A task: a UUID or a task key (`RE-12`, any case). */
export const taskRef = (description: string) =>
  z
    .string()
    .min(1)
    .max(100)
    .meta({ description: `${description}: a UUID or a task key (e.g. RE-12)` });
/** A workflow status: a UUID or a status name (any case). */
export const statusRef = (description: string) =>
  z
    .string()
    .min(1)
    .max(STATUS_NAME_MAX_LENGTH * 4)
    .meta({ description: `${description}: a UUID or a status name (any case)` });
/** A label of the organization: a UUID or a label name (any case). */
export const labelRef = z
  .string()
  .min(1)
  .max(LABEL_NAME_MAX_LENGTH * 4)
  .meta({ description: 'A label: a UUID or a label name (any case)' });

const labels = z
  .array(labelRef)
  .max(MAX_LABELS_PER_TASK * 2)
  .meta({
    description: `Labels, each a UUID or a label name (at most ${MAX_LABELS_PER_TASK}); replaces the whole set`,
  });

export const createTaskBody = z.object({
  title,
  description: description.optional(),
  type: type.optional(),
  status_id: statusRef('A status of the project (default: the first of its workflow)').optional(),
  priority: priority.optional().meta({ description: 'Default: medium' }),
  assignee_id: z.uuid().optional().meta({ description: 'A member of the organization' }),
  due_at: time.optional().meta({ description: 'RFC 3339; not in the past' }),
  estimate_hours: hoursValue.optional(),
  parent_id: taskRef('A task of the same project (nesting at most 5 deep)').optional(),
  labels: labels.optional(),
});

export const updateTaskBody = z
  .object({
    title: title.optional(),
    description: description.optional(),
    type: type.nullable().optional(),
    status_id: statusRef(
      'A status of the task’s project; the task goes to the bottom of that column',
    ).optional(),
    priority: priority.optional(),
    assignee_id: z.uuid().nullable().optional(),
    due_at: time.nullable().optional(),
    estimate_hours: hoursValue.nullable().optional(),
    actual_hours: hoursValue.nullable().optional(),
    parent_id: taskRef('A task of the same project; null removes the parent').nullable().optional(),
    labels: labels.optional(),
  })
  .strict();

export const moveTaskBody = z
  .object({
    status_id: statusRef('The target column, a status of the task’s project'),
    before_id: taskRef('Place just above this task of the column').optional(),
    after_id: taskRef('Place just below this task of the column').optional(),
  })
  .strict()
  .meta({ description: 'Neither before_id nor after_id: the bottom of the column' });

export const TASK_SORTS = ['created_at', '-created_at', 'due_at', 'priority', 'position'] as const;

export const listTasksQuery = listQuery.extend({
  cursor: z
    .string()
    .max(500)
    .optional()
    .meta({ description: 'Opaque cursor from meta.pagination.next_cursor' }),
  sort: z
    .enum(TASK_SORTS)
    .default('-created_at')
    .meta({
      description:
        '`-created_at` (default) newest first; `created_at`; `due_at` (soonest, undated last); ' +
        '`priority` (critical first); `position` (column order). A cursor is bound to its sort.',
    }),
  status_id: statusRef(
    'Only tasks in this status (across projects, a name matches that status of every project having it)',
  ).optional(),
  status_category: z.enum(STATUS_CATEGORIES).optional(),
  assignee_id: z
    .union([z.uuid(), z.literal('me')])
    .optional()
    .meta({ description: 'A user id, or `me`' }),
  priority: priority.optional(),
  label: labelRef.optional().meta({
    description: 'Only tasks carrying this label: a UUID or a label name (any case)',
  }),
  type: z.uuid().optional().meta({ description: 'A task type id' }),
  due_before: time.optional(),
  due_after: time.optional(),
  parent_id: taskRef('Only the subtasks of this task').optional(),
  q: z.string().trim().min(1).max(200).optional().meta({
    description: 'Words to find in title and description (full-text, web search syntax)',
  }),
});

export const historyQuery = listQuery.extend({
  cursor: z.string().max(500).optional(),
});

/** The public task (TASK_FIELDS) as documented: every field, each of its presented type. */
export const taskSchema = z
  .object({
    id: z.uuid(),
    key: z.string().meta({ example: 'RE-42' }),
    project_id: z.uuid(),
    title: z.string(),
    description: z.string(),
    type: z.string().nullable().meta({ description: 'The task type’s name' }),
    type_id: z.uuid().nullable(),
    status_id: z.uuid(),
    status_category: z.enum(STATUS_CATEGORIES),
    priority,
    assignee_id: z.uuid().nullable(),
    reporter_id: z.uuid(),
    parent_id: z.uuid().nullable(),
    labels: z.array(z.uuid()),
    due_at: z.string().nullable(),
    estimate_hours: z.number().nullable(),
    actual_hours: z.number().nullable(),
    position: z.number().int().meta({ description: 'Order within the status column, ascending' }),
    version: z.number().int(),
    created_at: z.string(),
    updated_at: z.string(),
    completed_at: z.string().nullable(),
    deleted_at: z.string().nullable(),
    tracking_code: z.string().nullable().meta({
      description:
        'The code of the public status lookup (GET /public/status/{tracking_code}) while the project has public_lookup; null otherwise',
    }),
  } satisfies { readonly [N in keyof PresentedTask]: z.ZodType<PresentedTask[N]> })
  .meta({ id: 'Task' });

export const historyEntrySchema = z
  .object({
    id: z.uuid(),
    action: z.string().meta({ example: 'updated' }),
    changes: z.record(z.string(), z.unknown()).meta({ description: '`{field: {from, to}}`' }),
    actor_id: z.string().nullable(),
    at: z.string(),
  })
  .meta({ id: 'TaskHistoryEntry' });
