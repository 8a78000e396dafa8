// Request and response schemas of /organizations/{org}/tasks/{task}/comments.
import { z } from 'zod';
import 'zod-openapi';
import { COMMENT_BODY_MAX_LENGTH } from '../../../domain/tasks/comment.js';
import { taskParams } from './schemas.js';

export const commentParams = taskParams.extend({
  comment_id: z.string().min(1).max(100).meta({ description: 'Comment id' }),
});

// Shape and abuse bounds only; the rule (trimmed, 1–20000 characters) lives in the domain and
// answers with field details.
const body = z
  .string()
  .max(COMMENT_BODY_MAX_LENGTH * 2)
  .meta({
    description: `1–${COMMENT_BODY_MAX_LENGTH} characters once trimmed`,
    example: 'Reproduced on staging; the fix is in review.',
  });

export const createCommentBody = z.object({ body }).strict();
export const updateCommentBody = z.object({ body }).strict();

export const commentSchema = z
  .object({
    id: z.uuid(),
    task_id: z.uuid(),
    author_id: z.uuid().meta({ description: 'The user or API key that wrote it' }),
    body: z.string(),
    version: z.number().int().meta({ description: 'Also the ETag; 1 until the first edit' }),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
  })
  .meta({ id: 'TaskComment' });
