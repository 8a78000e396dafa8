// Request and response schemas of /organizations/{org}/projects/{project}/task-types.
import { z } from 'zod';
import 'zod-openapi';
import { TASK_TYPE_NAME_MAX_LENGTH } from '../../../domain/projects/task-type.js';
import { projectParams } from './schemas.js';

export const taskTypeParams = projectParams.extend({
  type_id: z.string().min(1).max(100).meta({ description: 'Task type id' }),
});

const name = z
  .string()
  .max(TASK_TYPE_NAME_MAX_LENGTH * 4)
  .meta({
    description: `1–${TASK_TYPE_NAME_MAX_LENGTH} characters, unique in the project whatever its case`,
    example: 'Bug',
  });

export const createTaskTypeBody = z.object({ name });

export const renameTaskTypeBody = z.object({ name }).strict();

export const taskTypeSchema = z
  .object({
    id: z.uuid(),
    project_id: z.uuid(),
    name: z.string(),
    version: z.number().int().meta({ description: 'Also the ETag; 1 until the first rename' }),
    created_at: z.iso.datetime(),
  })
  .meta({ id: 'TaskType' });
