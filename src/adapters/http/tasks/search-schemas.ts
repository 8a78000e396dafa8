// Request and response schemas of /organizations/{org}/search.
import { z } from 'zod';
import 'zod-openapi';
import { SEARCH_QUERY_MAX_LENGTH } from '../../../application/tasks/search.js';
import { listQuery } from '../schemas.js';
import { taskSchema } from './schemas.js';

export const searchTasksQuery = listQuery.extend({
  q: z
    .string()
    .trim()
    .min(1)
    .max(SEARCH_QUERY_MAX_LENGTH)
    .meta({
      description:
        `1–${SEARCH_QUERY_MAX_LENGTH} characters once trimmed, web search syntax: words (all ` +
        'must match, stemmed: `login` finds "logins"), `"exact phrase"`, `or`, `-excluded`',
      example: 'login timeout',
    }),
  project_id: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .meta({ description: 'Only the tasks of this project: a UUID or a project key (e.g. RE)' }),
});

export const taskSearchHitSchema = taskSchema
  .extend({
    rank: z.number().meta({
      description:
        'Relevance, highest first: a title match weighs more than a description match, which ' +
        'weighs more than a comment match',
      example: 0.607927,
    }),
    snippet: z.string().meta({
      description:
        'An excerpt of the title and description as HTML: the text escaped, matched words in ' +
        '`<mark>…</mark>` (the opening words when only a comment matched)',
      example: 'Fix the <mark>login</mark> timeout in billing',
    }),
  })
  .meta({ id: 'TaskSearchHit' });
