// Request and response schemas of /organizations/:org/events.
import { z } from 'zod';
import 'zod-openapi';
import { EVENT_TYPES, type EventType } from '../../../domain/events/event.js';
import { organizationParams } from '../organizations/schemas.js';
import { listQuery, uuid } from '../schemas.js';

export const eventsParams = organizationParams;

const eventType = z.enum(EVENT_TYPES);

export const eventsQuery = z.object({
  after: uuid.optional().meta({
    description:
      'The id of the last event read (meta.pagination.next_cursor, or an id a socket delivered): ' +
      'the events committed after it. Leave out to read from the oldest kept.',
  }),
  types: z
    .string()
    .max(2_000)
    .optional()
    .transform((value, ctx): EventType[] | undefined => {
      if (value === undefined) return undefined;
      const types = value.split(',').map((type) => type.trim());
      const unknown = types.filter((type) => !eventType.safeParse(type).success);
      if (unknown.length > 0) {
        ctx.addIssue({ code: 'custom', message: `Unknown event types: ${unknown.join(', ')}` });
        return z.NEVER;
      }
      return types as EventType[];
    })
    .meta({
      description: 'Comma-separated event types to keep (all when left out)',
      example: 'task.created,task.moved',
    }),
  limit: listQuery.shape.limit,
});

export const eventSchema = z
  .object({
    id: z.uuid(),
    type: eventType,
    organization_id: z.uuid(),
    project_id: z.uuid().nullable(),
    subject: z.object({
      type: z.string().meta({ example: 'task' }),
      id: z.string().nullable(),
      key: z.string().nullable().meta({ example: 'RE-12' }),
    }),
    actor: z.object({ type: z.enum(['user', 'apikey']), id: z.uuid() }),
    data: z.record(z.string(), z.unknown()).meta({
      description: '`{field: {from, to}}` for changes; details for creations and removals',
    }),
    request_id: z.string().nullable().meta({
      description: 'The request that made the change (the same on every event of a bulk)',
    }),
    occurred_at: z.iso.datetime(),
  })
  .meta({ id: 'Event' });
