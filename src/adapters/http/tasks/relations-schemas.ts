// Request and response schemas of /organizations/{org}/tasks/{task}/relations, and the single-task
// read that shows them.
import { z } from 'zod';
import 'zod-openapi';
import { RELATION_TYPES, RELATION_VIEW_TYPES } from '../../../domain/tasks/relation.js';
import { taskParams, taskSchema } from './schemas.js';

export const relationParams = taskParams.extend({
  relation_id: z.string().min(1).max(100).meta({ description: 'Relation id' }),
});

export const createRelationBody = z
  .object({
    type: z.enum(RELATION_TYPES).meta({
      description:
        'From the side of the task in the path: it `blocks` the other task, is `blocked_by` it, ' +
        '`duplicates` it, or `relates_to` it',
    }),
    task_id: z
      .string()
      .min(1)
      .max(100)
      .meta({
        description:
          'The other task, by id or key: a live task of the organization (any project) the caller ' +
          'can see, not the task itself',
      }),
  })
  .strict();

export const relationSchema = z
  .object({
    id: z.uuid(),
    type: z.enum(RELATION_VIEW_TYPES).meta({
      description:
        'The relation from this task’s side; `duplicated_by` is the other side of `duplicates`, ' +
        '`blocked_by` of `blocks`',
    }),
    task_id: z.uuid().meta({ description: 'The other task' }),
    task_key: z.string().meta({ example: 'RE-7' }),
    task_title: z.string(),
    created_by: z.uuid().nullable().meta({ description: 'The user or API key that added it' }),
    created_at: z.iso.datetime(),
  })
  .meta({ id: 'TaskRelation' });

export const taskWithRelationsSchema = taskSchema
  .extend({
    relations: z.array(relationSchema).meta({
      description: 'The task’s relations, as GET …/relations lists them',
    }),
  })
  .meta({ id: 'TaskWithRelations' });
