// Request and response schemas of /organizations/{org}/tasks/{task}/watchers.
import { z } from 'zod';
import 'zod-openapi';
import { taskParams } from './schemas.js';

export const watcherParams = taskParams.extend({
  user_id: z.uuid().meta({ description: 'The watcher’s user id' }),
});

export const addWatcherBody = z
  .object({
    user_id: z
      .uuid()
      .optional()
      .meta({
        description:
          'A member who may see the task; default: the caller (an API key must name one). ' +
          'Anyone but oneself takes task:update on the task',
      }),
  })
  .strict();

export const watcherSchema = z
  .object({
    user_id: z.uuid(),
    name: z.string(),
    added_at: z.iso.datetime(),
  })
  .meta({ id: 'TaskWatcher' });
