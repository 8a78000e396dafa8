// Request and response schemas of POST /organizations/{org}/tasks/bulk.
import { z } from 'zod';
import 'zod-openapi';
import { MAX_BULK_TASKS } from '../../../application/tasks/bulk-request.js';
import { MAX_LABELS_PER_TASK, PRIORITIES } from '../../../domain/tasks/task.js';
import { labelRef, statusRef, taskRef } from './schemas.js';
import { ERROR_CODES } from '../errors.js';

const labelIds = (description: string) =>
  z
    .array(labelRef)
    .max(MAX_LABELS_PER_TASK)
    .optional()
    .meta({
      description: `${description} (each a UUID or a label name, at most ${MAX_LABELS_PER_TASK})`,
    });

const bulkSet = z
  .object({
    status_id: statusRef(
      'A status of each task’s project, a name resolved in each task’s own project (a task whose project has no such status fails with VALIDATION_ERROR); a task that changes column goes to its bottom, and completed_at follows the status category',
    ).optional(),
    assignee_id: z
      .uuid()
      .nullable()
      .optional()
      .meta({ description: 'A member of the organization; null unassigns' }),
    priority: z.enum(PRIORITIES).optional(),
    labels_add: labelIds('Added to each task’s labels'),
    labels_remove: labelIds('Taken off each task’s labels; one it does not carry is ignored'),
  })
  .strict()
  .meta({ description: 'What to change on every task; at least one field' });

export const bulkUpdateBody = z
  .object({
    task_ids: z
      .array(taskRef('A task'))
      .min(1)
      .max(MAX_BULK_TASKS)
      .meta({ description: `1–${MAX_BULK_TASKS} tasks, each a UUID or a task key, each once` }),
    set: bulkSet,
    partial: z.boolean().default(false).meta({
      description:
        'false (default): all or nothing — if any task cannot be changed, nothing is and the answer is 409 naming each failed task. true: the rest are changed and each failed task says why.',
    }),
  })
  .strict();

const bulkResultSchema = z
  .object({
    task_id: z.string().meta({ description: 'The task as task_ids named it (a UUID or a key)' }),
    status: z.enum(['updated', 'unchanged', 'failed']).meta({
      description:
        'updated: changed (one history entry); unchanged: already as asked; failed: see error',
    }),
    error: z
      .object({
        code: z.enum(ERROR_CODES).meta({
          description: 'NOT_FOUND, FORBIDDEN, OUTSIDE_WORKING_HOURS or VALIDATION_ERROR',
        }),
        message: z.string(),
      })
      .optional(),
    task: z
      .object({ id: z.uuid(), key: z.string(), version: z.number().int() })
      .optional()
      .meta({ description: 'The task after the request (not on failed items)' }),
  })
  .meta({ id: 'BulkTaskResult' });

export const bulkUpdateSchema = z
  .object({
    results: z.array(bulkResultSchema).meta({ description: 'One per task id, in request order' }),
    summary: z.object({
      updated: z.number().int(),
      unchanged: z.number().int(),
      failed: z.number().int(),
    }),
  })
  .meta({ id: 'BulkTaskUpdate' });
