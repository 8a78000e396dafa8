// Request and response schemas of /notifications and the notification preferences.
import { z } from 'zod';
import 'zod-openapi';
import { CHANNELS } from '../../../domain/notifications/preferences.js';
import { NOTIFICATION_KINDS } from '../../../domain/notifications/recipients.js';
import { listQuery, uuid } from '../schemas.js';

const kind = z.enum(NOTIFICATION_KINDS).meta({
  description:
    'Why the user is told: assigned or unassigned a task, mentioned in a comment, their request (a task they reported) changed status or got a comment, a task they watch changed, or they were invited',
});
const channel = z.enum(CHANNELS);

export const notificationSchema = z
  .object({
    id: uuid,
    organization_id: uuid,
    kind,
    summary: z.string(),
    event_type: z.string().meta({ description: 'The type of the latest event folded in' }),
    actor: z.object({ type: z.enum(['user', 'apikey']), id: uuid }),
    subject: z.object({ type: z.string(), id: z.string().nullable(), key: z.string().nullable() }),
    project_id: uuid.nullable(),
    task_id: uuid.nullable(),
    count: z.number().int().meta({ description: 'How many changes were folded into it' }),
    channels: z.array(channel),
    deliver_after: z.iso.datetime().nullable().meta({
      description: 'Email and SMS go out no earlier (the end of quiet hours); null without either',
    }),
    read: z.boolean(),
    read_at: z.iso.datetime().nullable(),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime().meta({ description: 'When its latest event happened' }),
  })
  .meta({ id: 'Notification' });

export const listNotificationsQuery = listQuery.extend({
  organization_id: uuid.optional().meta({ description: 'Only this organization’s' }),
  unread: z.enum(['true', 'false']).default('false').meta({ description: 'Only unread ones' }),
});

export const organizationFilterQuery = z.object({
  organization_id: uuid.optional().meta({ description: 'Only this organization’s' }),
});

export const notificationParams = z.object({ notification_id: uuid });

export const readAllBody = z.object({
  organization_id: uuid.optional().meta({ description: 'Only this organization’s' }),
});

const channelChoice = z.partialRecord(kind, z.array(channel).max(CHANNELS.length)).meta({
  description:
    'Channels per kind (`[]` turns a kind off); a kind left out follows the organization’s defaults, then the built-in ones',
  example: { assigned: ['in_app', 'email'], watched_task: [] },
});

const quietHoursSchema = z
  .object({
    start: z.string().max(5).meta({ example: '22:00' }),
    end: z.string().max(5).meta({ example: '07:00' }),
    time_zone: z.string().min(1).max(64).meta({ example: 'Europe/Amsterdam' }),
  })
  .meta({ id: 'QuietHours' });

export const memberPreferencesSchema = z
  .object({
    channels: channelChoice,
    quiet_hours: quietHoursSchema.nullable().meta({
      description: 'Email and SMS wait until the window ends; in-app notifications never wait',
    }),
    updated_at: z.iso.datetime().nullable(),
  })
  .meta({ id: 'NotificationPreferences' });

export const putMemberPreferencesBody = z.object({
  channels: channelChoice,
  quiet_hours: quietHoursSchema
    .extend({
      time_zone: quietHoursSchema.shape.time_zone.optional().meta({
        description: 'An IANA zone; the caller’s profile time zone when left out',
      }),
    })
    .strict()
    .nullable()
    .default(null),
});

export const organizationDefaultsSchema = z
  .object({ channels: channelChoice, updated_at: z.iso.datetime().nullable() })
  .meta({ id: 'NotificationDefaults' });

export const putOrganizationDefaultsBody = z.object({ channels: channelChoice });
