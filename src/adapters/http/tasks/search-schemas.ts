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
        'An excerpt of the title and description (a line break between them) as plain text, ' +
        'not HTML: one or two fragments of the task’s own text, every character as stored ' +
        '(nothing escaped or dropped), joined by ` … `; the opening words when only a comment ' +
        'matched. Escape it before putting it into HTML.',
      example: 'Fix the login timeout in billing',
    }),
    highlights: z
      .array(
        z.object({
          start: z.number().int().min(0).meta({ description: 'First code unit of the match' }),
          end: z.number().int().min(0).meta({ description: 'One past its last code unit' }),
        }),
      )
      .meta({
        description:
          'Where `snippet` holds the matched words, in order: offsets in UTF-16 code units ' +
          '(JavaScript string indices, `snippet.slice(start, end)`), `end` exclusive',
        example: [{ start: 8, end: 13 }],
      }),
  })
  .meta({ id: 'TaskSearchHit' });
