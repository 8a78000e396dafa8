// /organizations/{org}/api-keys: service accounts of one organization; the secret is shown once.
import { z } from 'zod';
import { createApiKey } from '../../../application/access/create-api-key.js';
import { getApiKey } from '../../../application/access/get-api-key.js';
import { listApiKeys } from '../../../application/access/list-api-keys.js';
import { revokeApiKey } from '../../../application/access/revoke-api-key.js';
import type { ApiKey } from '../../../application/access/ports.js';
import type { Deps } from '../../../application/deps.js';
import { respond } from '../envelope.js';
import { organizationUrl } from '../locations.js';
import { accessOf } from '../middleware/organization-access.js';
import { organizationParams } from '../organizations/schemas.js';
import { route, type RouteSpec } from '../route.js';
import { decodeIdCursor, encodeCursor, listQuery } from '../schemas.js';
import {
  apiKeyParams,
  apiKeySchema,
  createApiKeyBody,
  createdApiKeySchema,
} from './api-keys-schemas.js';

const tags = ['API keys'];
export function presentApiKey(key: ApiKey) {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    role: key.role,
    created_by: key.createdBy,
    created_at: key.createdAt.toISOString(),
    expires_at: key.expiresAt?.toISOString() ?? null,
    last_used_at: key.lastUsedAt?.toISOString() ?? null,
    revoked_at: key.revokedAt?.toISOString() ?? null,
  };
}

const notMember = { description: 'No such organization, or the caller is not a member' };
const forbidden = { description: 'The caller lacks apikey:manage' };

export function apiKeysRoutes(deps: Deps): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/organizations/:org/api-keys',
      operationId: 'listApiKeys',
      summary: 'The organization’s API keys, revoked ones included (never their secrets)',
      tags,
      scope: 'organization',
      permission: 'apikey:manage',
      params: organizationParams,
      query: listQuery,
      responses: {
        200: { description: 'API keys', data: z.array(apiKeySchema), paginated: true },
        403: forbidden,
        404: notMember,
      },
      handler: async (ctx, { query }) => {
        const after = decodeIdCursor(query.cursor);
        const page = await listApiKeys(deps, accessOf(ctx), { limit: query.limit, after });
        const next = page.nextCursor === null ? null : encodeCursor(page.nextCursor);
        respond(ctx, page.items.map(presentApiKey), {
          pagination: { limit: query.limit, next_cursor: next, has_more: next !== null },
        });
      },
    }),
    route({
      method: 'post',
      path: '/organizations/:org/api-keys',
      operationId: 'createApiKey',
      summary:
        'Mint a key bound to a role the caller fully holds; the secret is in this answer only',
      tags,
      scope: 'organization',
      permission: 'apikey:manage',
      params: organizationParams,
      body: createApiKeyBody,
      responses: {
        201: {
          description: 'Created, with the whole key',
          data: createdApiKeySchema,
          headers: ['Cache-Control'],
        },
        403: { description: 'The caller lacks apikey:manage or a permission of the role' },
        404: notMember,
        422: { description: 'Unknown role, invalid name, or an expiry not in the future' },
      },
      handler: async (ctx, { body }) => {
        const created = await createApiKey(deps, accessOf(ctx), {
          name: body.name,
          role: body.role,
          expiresAt: body.expires_at ? new Date(body.expires_at) : undefined,
        });
        ctx.set('Cache-Control', 'no-store');
        respond(
          ctx,
          { ...presentApiKey(created.key), key: created.token },
          {
            status: 201,
            location: organizationUrl(ctx, 'api-keys', created.key.id),
          },
        );
      },
    }),
    route({
      method: 'get',
      path: '/organizations/:org/api-keys/:id',
      operationId: 'getApiKey',
      summary: 'One API key (never its secret)',
      tags,
      scope: 'organization',
      permission: 'apikey:manage',
      params: apiKeyParams,
      responses: {
        200: { description: 'The API key', data: apiKeySchema },
        403: forbidden,
        404: { description: 'No such key, organization, or membership' },
      },
      handler: async (ctx, { params }) => {
        respond(ctx, presentApiKey(await getApiKey(deps, accessOf(ctx), params.id)));
      },
    }),
    route({
      method: 'delete',
      path: '/organizations/:org/api-keys/:id',
      operationId: 'revokeApiKey',
      summary: 'Revoke a key: it stops working on the next request',
      tags,
      scope: 'organization',
      permission: 'apikey:manage',
      params: apiKeyParams,
      responses: {
        204: { description: 'Revoked' },
        403: forbidden,
        404: { description: 'No such key (or already revoked), organization, or membership' },
      },
      handler: async (ctx, { params }) => {
        await revokeApiKey(deps, accessOf(ctx), params.id);
        ctx.status = 204;
      },
    }),
  ];
}
