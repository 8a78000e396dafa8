// /organizations/{org}/webhooks/{id}/deliveries: an endpoint's delivery log (every attempt with
// its status, duration and the answer's first KiB), a delivery sent again on request, and a test
// ping. Redeliveries and pings are sent by the worker, as every delivery is: the answer is 202.
import { z } from 'zod';
import type { Deps } from '../../../application/deps.js';
import type { DeliveryCursor } from '../../../application/webhooks/ports.js';
import { pingWebhook, redeliver } from '../../../application/webhooks/send-again.js';
import { getDelivery, listDeliveries } from '../../../application/webhooks/webhook-reads.js';
import { ValidationError } from '../../../domain/shared/errors.js';
import { isUuid } from '../../../domain/shared/id.js';
import { respond } from '../envelope.js';
import { organizationUrl } from '../locations.js';
import { accessOf } from '../middleware/organization-access.js';
import { route, type RouteSpec } from '../route.js';
import { decodeCursor, encodeCursor, listQuery } from '../schemas.js';
import { presentDelivery } from './presenters.js';
import { forbidden, notFound, webhookTags } from './routes.js';
import { deliveryParams, deliverySchema, webhookParams } from './schemas.js';

/** Cursors carry the last delivery's creation time and id (JSON `[iso, id]`, then base64url). */
function positionOf(cursor: string | undefined): DeliveryCursor | undefined {
  if (cursor === undefined) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(decodeCursor(cursor) ?? '');
  } catch {
    decoded = undefined;
  }
  const [at, id] = Array.isArray(decoded) ? (decoded as unknown[]) : [];
  const createdAt = typeof at === 'string' ? new Date(at) : undefined;
  if (!createdAt || Number.isNaN(createdAt.getTime()) || typeof id !== 'string' || !isUuid(id)) {
    throw ValidationError.field('cursor', 'Invalid cursor');
  }
  return { createdAt, id };
}

const cursorOf = (position: DeliveryCursor) =>
  encodeCursor(JSON.stringify([position.createdAt.toISOString(), position.id]));

const noDelivery = { description: 'No such organization, webhook or delivery' };

export function webhookDeliveriesRoutes(deps: Deps): RouteSpec[] {
  const base = { tags: webhookTags, scope: 'organization', permission: 'webhook:manage' } as const;
  return [
    route({
      ...base,
      method: 'get',
      path: '/organizations/:org/webhooks/:webhook_id/deliveries',
      operationId: 'listWebhookDeliveries',
      summary: 'The endpoint’s deliveries, newest first, each with every attempt',
      params: webhookParams,
      query: listQuery,
      responses: {
        200: { description: 'Deliveries', data: z.array(deliverySchema), paginated: true },
        403: forbidden,
        404: notFound,
        422: { description: 'Invalid limit or cursor' },
      },
      handler: async (ctx, { params, query }) => {
        const page = await listDeliveries(deps, accessOf(ctx), params.webhook_id, {
          limit: query.limit,
          after: positionOf(query.cursor),
        });
        const next = page.next === null ? null : cursorOf(page.next);
        respond(ctx, page.items.map(presentDelivery), {
          pagination: { limit: query.limit, next_cursor: next, has_more: next !== null },
        });
      },
    }),
    route({
      ...base,
      method: 'get',
      path: '/organizations/:org/webhooks/:webhook_id/deliveries/:delivery_id',
      operationId: 'getWebhookDelivery',
      summary: 'One delivery with every attempt',
      params: deliveryParams,
      responses: {
        200: { description: 'The delivery', data: deliverySchema },
        403: forbidden,
        404: noDelivery,
      },
      handler: async (ctx, { params }) => {
        const delivery = await getDelivery(
          deps,
          accessOf(ctx),
          params.webhook_id,
          params.delivery_id,
        );
        respond(ctx, presentDelivery(delivery));
      },
    }),
    route({
      ...base,
      method: 'post',
      path: '/organizations/:org/webhooks/:webhook_id/deliveries/:delivery_id/redeliver',
      operationId: 'redeliverWebhook',
      summary: 'Send a delivery again (same webhook-id and body), with a fresh round of retries',
      params: deliveryParams,
      responses: {
        202: { description: 'Due now; the worker sends it', data: deliverySchema },
        403: forbidden,
        404: noDelivery,
      },
      handler: async (ctx, { params }) => {
        const delivery = await redeliver(
          deps,
          accessOf(ctx),
          params.webhook_id,
          params.delivery_id,
        );
        respond(ctx, presentDelivery(delivery), { status: 202 });
      },
    }),
    route({
      ...base,
      method: 'post',
      path: '/organizations/:org/webhooks/:webhook_id/ping',
      operationId: 'pingWebhook',
      summary: 'Send the endpoint a `webhook.ping` event, to try it',
      params: webhookParams,
      responses: {
        202: {
          description: 'Due now; the worker sends it (once the endpoint is active)',
          data: deliverySchema,
          headers: ['Location'],
        },
        403: forbidden,
        404: notFound,
      },
      handler: async (ctx, { params }) => {
        const delivery = await pingWebhook(deps, accessOf(ctx), params.webhook_id);
        ctx.set(
          'Location',
          organizationUrl(ctx, 'webhooks', params.webhook_id, 'deliveries', delivery.id),
        );
        respond(ctx, presentDelivery(delivery), { status: 202 });
      },
    }),
  ];
}
