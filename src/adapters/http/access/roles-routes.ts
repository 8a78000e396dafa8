// /organizations/{org}/roles: the built-in roles (read-only) and the organization's custom roles.
import { z } from 'zod';
import { createRole } from '../../../application/access/create-role.js';
import { deleteRole } from '../../../application/access/delete-role.js';
import { getRole } from '../../../application/access/get-role.js';
import { listRoles } from '../../../application/access/list-roles.js';
import { updateRole } from '../../../application/access/update-role.js';
import {
  MAX_CUSTOM_ROLES,
  type CustomRoleView,
  type RoleView,
} from '../../../application/access/role-rules.js';
import { BUILT_IN_ROLES } from '../../../domain/access/permissions.js';
import type { Deps } from '../../../application/deps.js';
import { expectedVersion, setEtag } from '../conditional.js';
import type { AppContext } from '../context.js';
import { respond } from '../envelope.js';
import { organizationUrl } from '../locations.js';
import { accessOf } from '../middleware/organization-access.js';
import { organizationParams } from '../organizations/schemas.js';
import { route, type RouteSpec } from '../route.js';
import {
  createRoleBody,
  customRoleSchema,
  roleParams,
  roleSchema,
  updateRoleBody,
} from './roles-schemas.js';

const tags = ['Roles'];

function presentCustom(role: CustomRoleView) {
  return {
    id: role.id,
    name: role.name,
    description: role.description,
    built_in: false as const,
    permissions: role.permissions,
    version: role.version,
    created_at: role.createdAt.toISOString(),
    updated_at: role.updatedAt.toISOString(),
  };
}

function present(role: RoleView) {
  if (!role.builtIn) return presentCustom(role);
  return { id: role.name, name: role.name, built_in: true as const, permissions: role.permissions };
}

function respondCustom(ctx: AppContext, role: CustomRoleView, created = false) {
  setEtag(ctx, role.version);
  respond(
    ctx,
    presentCustom(role),
    created ? { status: 201, location: organizationUrl(ctx, 'roles', role.id) } : {},
  );
}

const notFound = { description: 'No such organization or role, or the caller is not a member' };
const forbidden = { description: 'The caller lacks the permission' };

export function rolesRoutes(deps: Deps): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/organizations/:org/roles',
      operationId: 'listRoles',
      summary:
        'The built-in roles with their permissions (the whole matrix), then the custom roles: ' +
        `the whole set (at most ${BUILT_IN_ROLES.length + MAX_CUSTOM_ROLES}), not paged`,
      tags,
      scope: 'organization',
      permission: 'role:read',
      params: organizationParams,
      responses: {
        200: {
          description:
            `Every role: the ${BUILT_IN_ROLES.length} built-in ones, then at most ` +
            `${MAX_CUSTOM_ROLES} custom ones; no meta.pagination (limit or cursor → 422)`,
          data: z.array(roleSchema),
        },
        403: forbidden,
        404: notFound,
      },
      handler: async (ctx) => {
        respond(ctx, (await listRoles(deps, accessOf(ctx))).map(present));
      },
    }),
    route({
      method: 'get',
      path: '/organizations/:org/roles/:id',
      operationId: 'getRole',
      summary: 'One role: a built-in role by name or a custom role by id',
      tags,
      scope: 'organization',
      permission: 'role:read',
      params: roleParams,
      responses: {
        200: {
          description: 'The role (a custom role with its ETag)',
          data: roleSchema,
          headers: ['ETag'],
        },
        403: forbidden,
        404: notFound,
      },
      handler: async (ctx, { params }) => {
        const role = await getRole(deps, accessOf(ctx), params.id);
        if (role.builtIn) respond(ctx, present(role));
        else respondCustom(ctx, role);
      },
    }),
    route({
      method: 'post',
      path: '/organizations/:org/roles',
      operationId: 'createRole',
      summary: 'Create a custom role from permissions the caller holds',
      tags,
      scope: 'organization',
      permission: 'role:manage',
      params: organizationParams,
      body: createRoleBody,
      responses: {
        201: { description: 'Created', data: customRoleSchema, headers: ['ETag'] },
        403: { description: 'The caller lacks role:manage or a permission the role would grant' },
        404: notFound,
        409: {
          description: `A role with this name exists, or the organization has ${MAX_CUSTOM_ROLES} custom roles already (the most)`,
        },
        422: { description: 'Invalid name or description, or an unknown permission' },
      },
      handler: async (ctx, { body }) => {
        respondCustom(ctx, await createRole(deps, accessOf(ctx), body), true);
      },
    }),
    route({
      method: 'patch',
      path: '/organizations/:org/roles/:id',
      operationId: 'updateRole',
      summary: 'Change a custom role; its holders are judged by it from their next request',
      tags,
      scope: 'organization',
      permission: 'role:manage',
      params: roleParams,
      body: updateRoleBody,
      responses: {
        200: { description: 'The updated role', data: customRoleSchema, headers: ['ETag'] },
        403: { description: 'The caller lacks role:manage or a permission the role would grant' },
        404: notFound,
        409: { description: 'A built-in role, or the new name is taken' },
        412: { description: 'If-Match does not match the current ETag' },
      },
      handler: async (ctx, { params, body }) => {
        const role = await updateRole(deps, accessOf(ctx), params.id, {
          ...body,
          expectedVersion: expectedVersion(ctx),
        });
        respondCustom(ctx, role);
      },
    }),
    route({
      method: 'delete',
      path: '/organizations/:org/roles/:id',
      operationId: 'deleteRole',
      summary: 'Delete a custom role that no member and no API key holds',
      tags,
      scope: 'organization',
      permission: 'role:manage',
      params: roleParams,
      responses: {
        204: { description: 'Deleted' },
        403: forbidden,
        404: notFound,
        409: { description: 'A built-in role, or a role in use' },
        412: { description: 'If-Match does not match the current ETag' },
      },
      handler: async (ctx, { params }) => {
        await deleteRole(deps, accessOf(ctx), params.id, expectedVersion(ctx));
        ctx.status = 204;
      },
    }),
  ];
}
