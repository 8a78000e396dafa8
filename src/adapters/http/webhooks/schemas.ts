// Request and response schemas of /organizations/{org}/webhooks and their deliveries.
import { z } from 'zod';
import 'zod-openapi';
import {
  WEBHOOK_DESCRIPTION_MAX_LENGTH,
  WEBHOOK_MAX_EVENTS,
  WEBHOOK_URL_MAX_LENGTH,
} from '../../../domain/webhooks/webhook.js';
import { organizationParams } from '../organizations/schemas.js';

export const webhookParams = organizationParams.extend({
  webhook_id: z.string().min(1).max(100).meta({ description: 'Webhook endpoint id' }),
});

export const deliveryParams = webhookParams.extend({
  delivery_id: z.string().min(1).max(100).meta({ description: 'Delivery id (its webhook-id)' }),
});

// Shape and abuse bounds only; the rules (a http(s) URL without credentials, known event types,
// the lengths) live in the domain and answer with field details.
const url = z
  .string()
  .max(WEBHOOK_URL_MAX_LENGTH * 2)
  .meta({
    description:
      'http:// or https://, no credentials; its host must not resolve to a loopback, private, link-local or unique-local address',
    example: 'https://hooks.example.com/teamflow',
  });
const events = z
  .array(z.string().max(100))
  .max(WEBHOOK_MAX_EVENTS * 2)
  .meta({
    description: 'Event types (`task.created`), families (`task.*`) or `*` for every event',
    example: ['task.*', 'comment.created'],
  });
const description = z
  .string()
  .max(WEBHOOK_DESCRIPTION_MAX_LENGTH * 4)
  .meta({ description: `At most ${WEBHOOK_DESCRIPTION_MAX_LENGTH} characters` });
const active = z.boolean().meta({ description: 'Only active endpoints receive deliveries' });

export const createWebhookBody = z
  .object({ url, events, active: active.optional(), description: description.optional() })
  .strict();

export const updateWebhookBody = z
  .object({
    url: url.optional(),
    events: events.optional(),
    active: active.optional(),
    description: description.optional(),
  })
  .strict();

export const webhookSchema = z
  .object({
    id: z.uuid(),
    url: z.string(),
    description: z.string(),
    events: z.array(z.string()),
    active: z.boolean(),
    previous_secret_expires_at: z.iso.datetime().nullable().meta({
      description: 'After a rotation: until then the previous secret signs too',
    }),
    failing_since: z.iso.datetime().nullable().meta({
      description: 'The first failed attempt since the last success',
    }),
    disabled_at: z.iso.datetime().nullable().meta({
      description: 'When it was disabled for failing too long (set active to resume)',
    }),
    created_by: z.uuid().nullable(),
    version: z.number().int(),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
  })
  .meta({ id: 'Webhook' });

export const webhookWithSecretSchema = webhookSchema
  .extend({
    secret: z.string().meta({
      description: 'The signing secret, `whsec_…`: shown in this answer only',
      example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    }),
  })
  .meta({ id: 'WebhookWithSecret' });

export const attemptSchema = z
  .object({
    attempt: z.number().int().meta({ description: '1 for the first' }),
    request_id: z.string().meta({ description: 'Sent as X-Request-Id' }),
    status_code: z.number().int().nullable().meta({ description: 'null: no answer' }),
    error: z.string().nullable().meta({ description: 'Why there was no answer' }),
    duration_ms: z.number().int(),
    response_excerpt: z.string().meta({ description: 'The answer’s first KiB' }),
    attempted_at: z.iso.datetime(),
  })
  .meta({ id: 'WebhookAttempt' });

export const deliverySchema = z
  .object({
    id: z.uuid().meta({ description: 'The `webhook-id` header, the same on every attempt' }),
    webhook_id: z.uuid(),
    event_id: z.uuid().nullable().meta({ description: 'null for a ping' }),
    event_type: z.string(),
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number().int(),
    next_attempt_at: z.iso.datetime().nullable(),
    last_status_code: z.number().int().nullable(),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
    attempt_log: z.array(attemptSchema).meta({ description: 'Every attempt, oldest first' }),
  })
  .meta({ id: 'WebhookDelivery' });
