// Request and response schemas of /organizations/{org}/projects/{project}/statuses (the workflow).
import { z } from 'zod';
import 'zod-openapi';
import {
  MAX_WORKFLOW_STATUSES,
  STATUS_CATEGORIES,
  STATUS_NAME_MAX_LENGTH,
} from '../../../domain/projects/workflow.js';

// Shape and abuse bounds only; the workflow rules live in the domain and answer with field details.
const category = z.enum(STATUS_CATEGORIES);

export const replaceStatusesBody = z
  .array(
    z
      .object({
        id: z
          .uuid()
          .optional()
          .meta({ description: 'An existing status to keep; omit for a new one' }),
        name: z.string().max(STATUS_NAME_MAX_LENGTH * 4),
        category,
        position: z.number().int().optional().meta({
          description:
            'Ignored, so that what GET answers can be sent back as it is: the order of the list is the order',
        }),
      })
      .strict(),
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

export const statusSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    category,
    position: z.number().int().meta({ description: '0-based, left to right' }),
  })
  .meta({ id: 'WorkflowStatus' });
