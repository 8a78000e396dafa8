// /organizations routes: the tenant itself.
import { z } from 'zod';
import type { Deps } from '../../../application/deps.js';
import { createOrganization } from '../../../application/organizations/create-organization.js';
import { deleteOrganization } from '../../../application/organizations/delete-organization.js';
import { getOrganization } from '../../../application/organizations/get-organization.js';
import { listMyOrganizations } from '../../../application/organizations/list-my-organizations.js';
import {
  digestView,
  updateOrganization,
} from '../../../application/organizations/update-organization.js';
import type { OrganizationWithRole } from '../../../application/organizations/ports.js';
import { DEFAULT_EXEMPT_PRIORITIES } from '../../../domain/tasks/write-window.js';
import { expectedVersion, setEtag } from '../conditional.js';
import type { AppContext } from '../context.js';
import { respond } from '../envelope.js';
import { apiUrl } from '../locations.js';
import { principalOf } from '../middleware/authenticate.js';
import { accessOf } from '../middleware/organization-access.js';
import { route, type RouteSpec } from '../route.js';
import { decodeIdCursor, encodeCursor, listQuery } from '../schemas.js';
import {
  createOrganizationBody,
  organizationParams,
  organizationSchema,
  updateOrganizationBody,
} from './schemas.js';

const tags = ['Organizations'];
function present({ organization, role }: OrganizationWithRole) {
  return {
    id: organization.id,
    name: organization.name,
    slug: organization.slug,
    timezone: organization.timezone,
    write_window: organization.writeWindow && {
      start: organization.writeWindow.start,
      end: organization.writeWindow.end,
      days: organization.writeWindow.days,
      roles: organization.writeWindow.roles,
      exempt_priorities: organization.writeWindow.exemptPriorities ?? DEFAULT_EXEMPT_PRIORITIES,
    },
    digest: digestView(organization.digest),
    role,
    version: organization.version,
    created_at: organization.createdAt.toISOString(),
    updated_at: organization.updatedAt.toISOString(),
  };
}

function respondOne(ctx: AppContext, result: OrganizationWithRole, created = false) {
  const id = result.organization.id;
  ctx.state.organizationId = id;
  setEtag(ctx, result.organization.version);
  respond(
    ctx,
    present(result),
    created ? { status: 201, location: apiUrl('organizations', id) } : {},
  );
}

const notMember = { description: 'No such organization, or the caller is not a member' };

export function organizationRoutes(deps: Deps): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/organizations',
      operationId: 'listOrganizations',
      summary: 'The organizations the caller belongs to (for an API key: its own)',
      tags,
      scope: 'user',
      apiKeys: true,
      query: listQuery,
      responses: {
        200: { description: 'Organizations', data: z.array(organizationSchema), paginated: true },
      },
      handler: async (ctx, { query }) => {
        const after = decodeIdCursor(query.cursor);
        const page = await listMyOrganizations(deps, principalOf(ctx), {
          limit: query.limit,
          after,
        });
        const next = page.nextCursor === null ? null : encodeCursor(page.nextCursor);
        respond(ctx, page.items.map(present), {
          pagination: { limit: query.limit, next_cursor: next, has_more: next !== null },
        });
      },
    }),
    route({
      method: 'post',
      path: '/organizations',
      operationId: 'createOrganization',
      summary: 'Create an organization; the caller becomes its owner',
      tags,
      scope: 'user',
      body: createOrganizationBody,
      responses: {
        201: { description: 'Created', data: organizationSchema, headers: ['ETag'] },
        409: { description: 'The slug is taken' },
        422: { description: 'Invalid name, slug or timezone' },
      },
      handler: async (ctx, { body }) => {
        respondOne(ctx, await createOrganization(deps, principalOf(ctx), body), true);
      },
    }),
    route({
      method: 'get',
      path: '/organizations/:org',
      operationId: 'getOrganization',
      summary: 'One organization (by id or slug)',
      tags,
      scope: 'organization',
      permission: 'organization:read',
      params: organizationParams,
      responses: {
        200: { description: 'The organization', data: organizationSchema, headers: ['ETag'] },
        404: notMember,
      },
      handler: async (ctx) => {
        respondOne(ctx, getOrganization(accessOf(ctx)));
      },
    }),
    route({
      method: 'patch',
      path: '/organizations/:org',
      operationId: 'updateOrganization',
      summary: 'Change name, slug, timezone, write window or daily digest; honours If-Match',
      tags,
      scope: 'organization',
      permission: 'organization:update',
      params: organizationParams,
      body: updateOrganizationBody,
      responses: {
        200: {
          description: 'The updated organization',
          data: organizationSchema,
          headers: ['ETag'],
        },
        403: { description: 'The caller lacks the permission' },
        404: notMember,
        409: { description: 'The new slug is taken' },
        412: { description: 'If-Match does not match the current ETag' },
        422: {
          description:
            'Invalid name, slug, timezone, write window or digest; details name the field',
        },
      },
      handler: async (ctx, { body }) => {
        const { write_window: window, digest, ...fields } = body;
        const result = await updateOrganization(deps, accessOf(ctx), {
          ...fields,
          ...(window !== undefined && {
            writeWindow: window && {
              start: window.start,
              end: window.end,
              days: window.days,
              roles: window.roles,
              exemptPriorities: window.exempt_priorities,
            },
          }),
          ...(digest !== undefined && {
            digest: digest && {
              enabled: digest.enabled,
              localTime: digest.local_time,
              timezone: digest.timezone,
              recipients: digest.recipients,
            },
          }),
          expectedVersion: expectedVersion(ctx),
        });
        respondOne(ctx, result);
      },
    }),
    route({
      method: 'delete',
      path: '/organizations/:org',
      operationId: 'deleteOrganization',
      summary: 'Soft-delete the organization (owner); honours If-Match',
      tags,
      scope: 'organization',
      permission: 'organization:delete',
      params: organizationParams,
      responses: {
        204: { description: 'Deleted' },
        403: { description: 'The caller lacks the permission' },
        404: notMember,
        412: { description: 'If-Match does not match the current ETag' },
      },
      handler: async (ctx) => {
        await deleteOrganization(deps, accessOf(ctx), expectedVersion(ctx));
        ctx.status = 204;
      },
    }),
  ];
}
