// Request and response schemas of /organizations.
import { z } from 'zod';
import 'zod-openapi';
import { PRIORITIES } from '../../../domain/tasks/task.js';
import { WEEKDAYS } from '../../../domain/tasks/write-window.js';

// Shape only; the slug and name rules live in the domain and answer with field details.
const slug = z
  .string()
  .max(100)
  .meta({ description: '3–48 lower-case letters, digits, hyphens', example: 'acme' });
const name = z.string().max(500).meta({ example: 'Acme Inc.' });
const timezone = z.string().min(1).max(64).meta({ example: 'Europe/Amsterdam' });

const time = z.string().max(20).meta({ description: "'HH:MM', 00:00–23:59", example: '09:00' });
const days = z
  .array(z.enum(WEEKDAYS))
  .max(7)
  .meta({
    description: 'The days the window opens on (each once, at least one)',
    example: ['mon', 'tue', 'wed', 'thu', 'fri'],
  });
const roles = z
  .array(z.string().max(100))
  .max(50)
  .meta({
    description:
      'Roles held to the window (at least one): built-in role names or custom role ids; other roles may write at any time',
    example: ['member'],
  });
const exemptPriorities = z
  .array(z.enum(PRIORITIES))
  .max(PRIORITIES.length)
  .meta({
    description: 'Task priorities whose writes are always allowed',
    example: ['critical'],
  });
const windowDescription =
  "When the listed roles may write, on each writer's own clock: `start` inclusive, `end` exclusive; an `end` before `start` runs past midnight; `start` equal to `end` is the whole day.";

const writeWindowBody = z
  .object({
    start: time,
    end: time,
    days,
    roles,
    exempt_priorities: exemptPriorities.optional().meta({
      description: "Task priorities whose writes are always allowed; default ['critical']",
    }),
  })
  .strict()
  .meta({ description: windowDescription });

export const writeWindowSchema = z
  .object({
    start: z.string(),
    end: z.string(),
    days: z.array(z.enum(WEEKDAYS)),
    roles: z.array(z.string()),
    exempt_priorities: z.array(z.enum(PRIORITIES)),
  })
  .meta({ id: 'WriteWindow', description: windowDescription });

const digestDescription =
  'The daily digest: each recipient gets one email per local day at `local_time` on the clock of `timezone` (null: the organization’s), summarising each project they may read: tasks created, completed, overdue and due tomorrow.';
const digestRecipients = z
  .object({
    roles: roles.optional().meta({
      description:
        'Every member holding one of these roles: built-in role names or custom role ids',
      example: ['owner', 'admin'],
    }),
    members: z
      .array(z.string().max(100))
      .max(200)
      .optional()
      .meta({ description: 'User ids of members; a member who leaves is skipped' }),
  })
  .strict();

const digestBody = z
  .object({
    enabled: z.boolean(),
    local_time: time.optional().meta({ description: "'HH:MM'; default '18:00'", example: '18:00' }),
    timezone: timezone.nullable().optional().meta({
      description: "An IANA zone; null or absent: the organization's timezone",
    }),
    recipients: digestRecipients.meta({ description: 'At least one role or member when enabled' }),
  })
  .strict()
  .meta({ description: digestDescription });

export const digestSchema = z
  .object({
    enabled: z.boolean(),
    local_time: z.string(),
    timezone: z.string().nullable(),
    recipients: z.object({ roles: z.array(z.string()), members: z.array(z.string()) }),
  })
  .meta({ id: 'Digest', description: digestDescription });

export const createOrganizationBody = z.object({ name, slug, timezone: timezone.optional() });
export const updateOrganizationBody = z
  .object({
    name: name.optional(),
    slug: slug.optional(),
    timezone: timezone.optional(),
    write_window: writeWindowBody
      .nullable()
      .optional()
      .meta({ description: `${windowDescription} null removes the window.` }),
    digest: digestBody
      .nullable()
      .optional()
      .meta({ description: `${digestDescription} null removes the setting.` }),
  })
  .strict();
export const organizationParams = z.object({
  org: z.string().min(1).max(100).meta({ description: 'Organization id or slug' }),
});

export const organizationSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    slug: z.string(),
    timezone: z.string(),
    write_window: writeWindowSchema.nullable().meta({ description: 'null: writes at any time' }),
    digest: digestSchema.nullable().meta({ description: 'null: no digest was ever set' }),
    role: z.string().meta({
      description: 'The caller’s role: a built-in role name or a custom role id',
    }),
    version: z.number().int(),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
  })
  .meta({ id: 'Organization' });
