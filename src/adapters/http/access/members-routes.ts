// /organizations/:org/members: list the members, read one, change a member's role, remove a member
// (or leave). A member's ETag is the membership's version; a role change honours If-Match.
import { z } from 'zod';
import { changeMemberRole } from '../../../application/access/change-member-role.js';
import { getMember } from '../../../application/access/get-member.js';
import { listMembers } from '../../../application/access/list-members.js';
import { removeMember } from '../../../application/access/remove-member.js';
import type { MemberView } from '../../../application/access/ports.js';
import type { Deps } from '../../../application/deps.js';
import { expectedVersion, setEtag } from '../conditional.js';
import type { AppContext } from '../context.js';
import { respond } from '../envelope.js';
import { accessOf } from '../middleware/organization-access.js';
import { organizationParams } from '../organizations/schemas.js';
import { route, type RouteSpec } from '../route.js';
import { decodeIdCursor, encodeCursor, listQuery } from '../schemas.js';
import { changeRoleBody, memberParams, memberSchema } from './members-schemas.js';

const tags = ['Members'];
export function presentMember(member: MemberView) {
  return {
    user_id: member.userId,
    email: member.email,
    name: member.name,
    role: member.role,
    version: member.version,
    joined_at: member.createdAt.toISOString(),
  };
}

function respondOne(ctx: AppContext, member: MemberView) {
  setEtag(ctx, member.version);
  respond(ctx, presentMember(member));
}

const notMember = { description: 'No such organization, or the caller is not a member' };
const forbidden = { description: 'The caller lacks the permission' };
const noSuchMember = { description: 'No such member (or organization)' };

export function membersRoutes(deps: Deps): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/organizations/:org/members',
      operationId: 'listMembers',
      summary: 'The organization’s members with their roles',
      tags,
      scope: 'organization',
      permission: 'member:read',
      params: organizationParams,
      query: listQuery,
      responses: {
        200: { description: 'Members', data: z.array(memberSchema), paginated: true },
        403: forbidden,
        404: notMember,
      },
      handler: async (ctx, { query }) => {
        const after = decodeIdCursor(query.cursor);
        const page = await listMembers(deps, accessOf(ctx), { limit: query.limit, after });
        const next = page.nextCursor === null ? null : encodeCursor(page.nextCursor);
        respond(ctx, page.items.map(presentMember), {
          pagination: { limit: query.limit, next_cursor: next, has_more: next !== null },
        });
      },
    }),
    route({
      method: 'get',
      path: '/organizations/:org/members/:user_id',
      operationId: 'getMember',
      summary: 'One member with their role; the ETag is the membership’s version',
      tags,
      scope: 'organization',
      permission: 'member:read',
      params: memberParams,
      responses: {
        200: { description: 'The member', data: memberSchema, headers: ['ETag'] },
        403: forbidden,
        404: noSuchMember,
      },
      handler: async (ctx, { params }) => {
        respondOne(ctx, await getMember(deps, accessOf(ctx), params.user_id));
      },
    }),
    route({
      method: 'patch',
      path: '/organizations/:org/members/:user_id',
      operationId: 'changeMemberRole',
      summary: 'Give a member another role; the last owner cannot be demoted; honours If-Match',
      tags,
      scope: 'organization',
      permission: 'member:manage',
      params: memberParams,
      body: changeRoleBody,
      responses: {
        200: { description: 'The member with the new role', data: memberSchema, headers: ['ETag'] },
        403: {
          description:
            'The caller lacks the permission, or the new or current role grants permissions the caller does not hold, or only an owner may make or unmake owners',
        },
        404: noSuchMember,
        409: { description: 'The last owner cannot be demoted' },
        412: { description: 'If-Match does not match the current ETag (or is not one of ours)' },
        422: { description: 'Unknown role' },
      },
      handler: async (ctx, { params, body }) => {
        const member = await changeMemberRole(deps, accessOf(ctx), {
          userId: params.user_id,
          role: body.role,
          expectedVersion: expectedVersion(ctx),
        });
        respondOne(ctx, member);
      },
    }),
    route({
      method: 'delete',
      path: '/organizations/:org/members/:user_id',
      operationId: 'removeMember',
      summary: 'Remove a member (needs member:manage), or leave (any member, for themselves)',
      tags,
      scope: 'organization',
      // Any member may leave; removing someone else needs member:manage, checked by the use case.
      permission: 'organization:read',
      params: memberParams,
      responses: {
        204: { description: 'Removed' },
        403: {
          description:
            'The caller lacks member:manage, or the member holds permissions the caller does not (an admin cannot remove an owner)',
        },
        404: noSuchMember,
        409: { description: 'The last owner cannot leave or be removed' },
      },
      handler: async (ctx, { params }) => {
        await removeMember(deps, accessOf(ctx), params.user_id);
        ctx.status = 204;
      },
    }),
  ];
}
