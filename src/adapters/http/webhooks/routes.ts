// /organizations/{org}/webhooks: the organization's webhook endpoints (webhook:manage). The
// signing secret is in the answers of creation and rotation only (`Cache-Control: no-store`). An
// endpoint's ETag is its version; PATCH and DELETE honour If-Match.
import { z } from 'zod';
import type { Deps } from '../../../application/deps.js';
import {
  createWebhook,
  deleteWebhook,
  rotateWebhookSecret,
  updateWebhook,
  type CreatedWebhook,
} from '../../../application/webhooks/manage-webhooks.js';
import { getWebhook, listWebhooks } from '../../../application/webhooks/webhook-reads.js';
import type { WebhookEndpoint } from '../../../domain/webhooks/webhook.js';
import { expectedVersion, setEtag } from '../conditional.js';
import type { AppContext } from '../context.js';
import { respond } from '../envelope.js';
import { organizationUrl } from '../locations.js';
import { accessOf } from '../middleware/organization-access.js';
import { organizationParams } from '../organizations/schemas.js';
import { route, type RouteSpec } from '../route.js';
import { decodeIdCursor, encodeCursor, listQuery } from '../schemas.js';
import { presentWebhook } from './presenters.js';
import {
  createWebhookBody,
  updateWebhookBody,
  webhookParams,
  webhookSchema,
  webhookWithSecretSchema,
} from './schemas.js';

export const webhookTags = ['Webhooks'];
export const notFound = {
  description: 'No such organization or webhook, or the caller is not a member',
};
export const forbidden = { description: 'The caller lacks webhook:manage' };
const stale = { description: 'If-Match does not match the current ETag (or is not one of ours)' };
const invalid = {
  description:
    'Invalid URL (or one that resolves to a private network), unknown event types, or a description too long',
};

function respondOne(ctx: AppContext, endpoint: WebhookEndpoint) {
  setEtag(ctx, endpoint.version);
  respond(ctx, presentWebhook(endpoint));
}

/** The endpoint with its secret, which no other answer shows again. */
function respondWithSecret(ctx: AppContext, created: CreatedWebhook, status: 200 | 201) {
  ctx.set('Cache-Control', 'no-store');
  setEtag(ctx, created.endpoint.version);
  respond(
    ctx,
    { ...presentWebhook(created.endpoint), secret: created.secret },
    status === 201
      ? { status, location: organizationUrl(ctx, 'webhooks', created.endpoint.id) }
      : {},
  );
}

export function webhooksRoutes(deps: Deps): RouteSpec[] {
  const base = { tags: webhookTags, scope: 'organization', permission: 'webhook:manage' } as const;
  return [
    route({
      ...base,
      method: 'get',
      path: '/organizations/:org/webhooks',
      operationId: 'listWebhooks',
      summary: 'The organization’s webhook endpoints (never their secrets)',
      params: organizationParams,
      query: listQuery,
      responses: {
        200: { description: 'Endpoints', data: z.array(webhookSchema), paginated: true },
        403: forbidden,
        404: notFound,
        422: { description: 'Invalid limit or cursor' },
      },
      handler: async (ctx, { query }) => {
        const page = await listWebhooks(deps, accessOf(ctx), {
          limit: query.limit,
          after: decodeIdCursor(query.cursor),
        });
        const next = page.next === null ? null : encodeCursor(page.next);
        respond(ctx, page.items.map(presentWebhook), {
          pagination: { limit: query.limit, next_cursor: next, has_more: next !== null },
        });
      },
    }),
    route({
      ...base,
      method: 'post',
      path: '/organizations/:org/webhooks',
      operationId: 'createWebhook',
      summary: 'Add an endpoint; its signing secret is in this answer only',
      params: organizationParams,
      body: createWebhookBody,
      responses: {
        201: {
          description: 'Created, with its secret',
          data: webhookWithSecretSchema,
          headers: ['ETag', 'Cache-Control'],
        },
        403: forbidden,
        404: notFound,
        422: invalid,
      },
      handler: async (ctx, { body }) => {
        respondWithSecret(ctx, await createWebhook(deps, accessOf(ctx), body), 201);
      },
    }),
    route({
      ...base,
      method: 'get',
      path: '/organizations/:org/webhooks/:webhook_id',
      operationId: 'getWebhook',
      summary: 'One endpoint (never its secret)',
      params: webhookParams,
      responses: {
        200: { description: 'The endpoint', data: webhookSchema, headers: ['ETag'] },
        403: forbidden,
        404: notFound,
      },
      handler: async (ctx, { params }) => {
        respondOne(ctx, await getWebhook(deps, accessOf(ctx), params.webhook_id));
      },
    }),
    route({
      ...base,
      method: 'patch',
      path: '/organizations/:org/webhooks/:webhook_id',
      operationId: 'updateWebhook',
      summary: 'Change an endpoint’s URL, events, description, or set it active; honours If-Match',
      description:
        'Setting `active: true` again resumes an endpoint the worker disabled: its pending deliveries go out, and its failures count afresh.',
      params: webhookParams,
      body: updateWebhookBody,
      responses: {
        200: { description: 'The updated endpoint', data: webhookSchema, headers: ['ETag'] },
        403: forbidden,
        404: notFound,
        412: stale,
        422: invalid,
      },
      handler: async (ctx, { params, body }) => {
        const endpoint = await updateWebhook(deps, accessOf(ctx), params.webhook_id, {
          ...body,
          expectedVersion: expectedVersion(ctx),
        });
        respondOne(ctx, endpoint);
      },
    }),
    route({
      ...base,
      method: 'delete',
      path: '/organizations/:org/webhooks/:webhook_id',
      operationId: 'deleteWebhook',
      summary: 'Delete an endpoint with its delivery log; honours If-Match',
      params: webhookParams,
      responses: { 204: { description: 'Deleted' }, 403: forbidden, 404: notFound, 412: stale },
      handler: async (ctx, { params }) => {
        await deleteWebhook(deps, accessOf(ctx), params.webhook_id, expectedVersion(ctx));
        ctx.status = 204;
      },
    }),
    route({
      ...base,
      method: 'post',
      path: '/organizations/:org/webhooks/:webhook_id/rotate-secret',
      operationId: 'rotateWebhookSecret',
      summary: 'A new signing secret (in this answer only); the previous one signs too for a while',
      description:
        'During the overlap (WEBHOOK_SECRET_OVERLAP_HOURS, 24 by default; `previous_secret_expires_at`) every delivery carries two signatures in `webhook-signature`, one per secret.',
      params: webhookParams,
      responses: {
        200: {
          description: 'The endpoint with its new secret',
          data: webhookWithSecretSchema,
          headers: ['ETag', 'Cache-Control'],
        },
        403: forbidden,
        404: notFound,
      },
      handler: async (ctx, { params }) => {
        respondWithSecret(
          ctx,
          await rotateWebhookSecret(deps, accessOf(ctx), params.webhook_id),
          200,
        );
      },
    }),
  ];
}
