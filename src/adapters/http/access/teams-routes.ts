// /organizations/{org}/teams and /teams/{id}/members: teams (departments) and who is in them.
import { z } from 'zod';
import type { Team, TeamMember } from '../../../application/access/ports.js';
import { addTeamMember } from '../../../application/access/add-team-member.js';
import { createTeam } from '../../../application/access/create-team.js';
import { deleteTeam } from '../../../application/access/delete-team.js';
import { getTeam } from '../../../application/access/get-team.js';
import { listTeamMembers } from '../../../application/access/list-team-members.js';
import { listTeams } from '../../../application/access/list-teams.js';
import { removeTeamMember } from '../../../application/access/remove-team-member.js';
import { updateTeam } from '../../../application/access/update-team.js';
import type { Deps } from '../../../application/deps.js';
import { expectedVersion, setEtag } from '../conditional.js';
import type { AppContext } from '../context.js';
import { respond } from '../envelope.js';
import { organizationUrl } from '../locations.js';
import { accessOf } from '../middleware/organization-access.js';
import { organizationParams } from '../organizations/schemas.js';
import { route, type RouteSpec } from '../route.js';
import { decodeIdCursor, encodeCursor, listQuery } from '../schemas.js';
import {
  addTeamMemberBody,
  createTeamBody,
  teamMemberParams,
  teamMemberSchema,
  teamParams,
  teamSchema,
  updateTeamBody,
} from './teams-schemas.js';

const tags = ['Teams'];
function present(team: Team) {
  return {
    id: team.id,
    name: team.name,
    description: team.description,
    member_count: team.memberCount,
    version: team.version,
    created_at: team.createdAt.toISOString(),
    updated_at: team.updatedAt.toISOString(),
  };
}

function presentMember(member: TeamMember) {
  return {
    team_id: member.teamId,
    user_id: member.userId,
    email: member.email,
    name: member.name,
    added_at: member.addedAt.toISOString(),
  };
}

function respondOne(ctx: AppContext, team: Team, created = false) {
  setEtag(ctx, team.version);
  respond(
    ctx,
    present(team),
    created ? { status: 201, location: organizationUrl(ctx, 'teams', team.id) } : {},
  );
}

const notFound = { description: 'No such organization or team, or the caller is not a member' };
const forbidden = { description: 'The caller lacks the permission' };
const stale = { description: 'If-Match does not match the current ETag' };

export function teamsRoutes(deps: Deps): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/organizations/:org/teams',
      operationId: 'listTeams',
      summary: 'The organization’s teams, with their member counts',
      tags,
      scope: 'organization',
      permission: 'team:read',
      params: organizationParams,
      query: listQuery,
      responses: {
        200: { description: 'Teams', data: z.array(teamSchema), paginated: true },
        403: forbidden,
        404: notFound,
      },
      handler: async (ctx, { query }) => {
        const after = decodeIdCursor(query.cursor);
        const page = await listTeams(deps, accessOf(ctx), { limit: query.limit, after });
        const next = page.nextCursor === null ? null : encodeCursor(page.nextCursor);
        respond(ctx, page.items.map(present), {
          pagination: { limit: query.limit, next_cursor: next, has_more: next !== null },
        });
      },
    }),
    route({
      method: 'post',
      path: '/organizations/:org/teams',
      operationId: 'createTeam',
      summary: 'Create a team',
      tags,
      scope: 'organization',
      permission: 'team:manage',
      params: organizationParams,
      body: createTeamBody,
      responses: {
        201: { description: 'Created', data: teamSchema, headers: ['ETag'] },
        403: forbidden,
        404: notFound,
        409: { description: 'A team with this name exists' },
        422: { description: 'Invalid name or description' },
      },
      handler: async (ctx, { body }) => {
        respondOne(ctx, await createTeam(deps, accessOf(ctx), body), true);
      },
    }),
    route({
      method: 'get',
      path: '/organizations/:org/teams/:id',
      operationId: 'getTeam',
      summary: 'One team',
      tags,
      scope: 'organization',
      permission: 'team:read',
      params: teamParams,
      responses: {
        200: { description: 'The team', data: teamSchema, headers: ['ETag'] },
        403: forbidden,
        404: notFound,
      },
      handler: async (ctx, { params }) => {
        respondOne(ctx, await getTeam(deps, accessOf(ctx), params.id));
      },
    }),
    route({
      method: 'patch',
      path: '/organizations/:org/teams/:id',
      operationId: 'updateTeam',
      summary: 'Rename or describe a team; honours If-Match',
      tags,
      scope: 'organization',
      permission: 'team:manage',
      params: teamParams,
      body: updateTeamBody,
      responses: {
        200: { description: 'The updated team', data: teamSchema, headers: ['ETag'] },
        403: forbidden,
        404: notFound,
        409: { description: 'The new name is taken' },
        412: stale,
      },
      handler: async (ctx, { params, body }) => {
        const team = await updateTeam(deps, accessOf(ctx), params.id, {
          ...body,
          expectedVersion: expectedVersion(ctx),
        });
        respondOne(ctx, team);
      },
    }),
    route({
      method: 'delete',
      path: '/organizations/:org/teams/:id',
      operationId: 'deleteTeam',
      summary: 'Delete a team and its memberships; honours If-Match',
      tags,
      scope: 'organization',
      permission: 'team:manage',
      params: teamParams,
      responses: {
        204: { description: 'Deleted' },
        403: forbidden,
        404: notFound,
        412: stale,
      },
      handler: async (ctx, { params }) => {
        await deleteTeam(deps, accessOf(ctx), params.id, expectedVersion(ctx));
        ctx.status = 204;
      },
    }),
    route({
      method: 'get',
      path: '/organizations/:org/teams/:id/members',
      operationId: 'listTeamMembers',
      summary: 'The members of a team, in the order they joined, in keyset pages',
      tags,
      scope: 'organization',
      permission: 'team:read',
      params: teamParams,
      query: listQuery,
      responses: {
        200: { description: 'Team members', data: z.array(teamMemberSchema), paginated: true },
        403: forbidden,
        404: notFound,
      },
      handler: async (ctx, { params, query }) => {
        const after = decodeIdCursor(query.cursor);
        const page = await listTeamMembers(deps, accessOf(ctx), params.id, {
          limit: query.limit,
          after,
        });
        const next = page.nextCursor === null ? null : encodeCursor(page.nextCursor);
        respond(ctx, page.items.map(presentMember), {
          pagination: { limit: query.limit, next_cursor: next, has_more: next !== null },
        });
      },
    }),
    route({
      method: 'post',
      path: '/organizations/:org/teams/:id/members',
      operationId: 'addTeamMember',
      summary: 'Add a member of the organization to the team',
      tags,
      scope: 'organization',
      permission: 'team:manage',
      params: teamParams,
      body: addTeamMemberBody,
      responses: {
        201: { description: 'Added', data: teamMemberSchema },
        403: forbidden,
        404: notFound,
        409: { description: 'The user is already in the team' },
        422: { description: 'The user is not a member of the organization' },
      },
      handler: async (ctx, { params, body }) => {
        const member = await addTeamMember(deps, accessOf(ctx), params.id, body.user_id);
        respond(ctx, presentMember(member), {
          status: 201,
          location: organizationUrl(ctx, 'teams', member.teamId, 'members', member.userId),
        });
      },
    }),
    route({
      method: 'delete',
      path: '/organizations/:org/teams/:id/members/:user_id',
      operationId: 'removeTeamMember',
      summary: 'Take a user out of the team (they stay in the organization)',
      tags,
      scope: 'organization',
      permission: 'team:manage',
      params: teamMemberParams,
      responses: {
        204: { description: 'Removed' },
        403: forbidden,
        404: { description: 'No such organization or team, or the user is not in the team' },
      },
      handler: async (ctx, { params }) => {
        await removeTeamMember(deps, accessOf(ctx), params.id, params.user_id);
        ctx.status = 204;
      },
    }),
  ];
}
