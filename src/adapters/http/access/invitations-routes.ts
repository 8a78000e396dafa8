// /organizations/:org/invitations (invite, list, revoke) and /invitations/accept (the invitee).
import { z } from 'zod';
import { acceptInvitation } from '../../../application/access/accept-invitation.js';
import { invite } from '../../../application/access/invite.js';
import { listInvitations } from '../../../application/access/list-invitations.js';
import { revokeInvitation } from '../../../application/access/revoke-invitation.js';
import { previewInvitation } from '../../../application/access/preview-invitation.js';
import type { Invitation } from '../../../application/access/ports.js';
import type { Deps } from '../../../application/deps.js';
import { respond } from '../envelope.js';
import { organizationUrl } from '../locations.js';
import { userOf } from '../middleware/authenticate.js';
import { accessOf } from '../middleware/organization-access.js';
import { organizationParams } from '../organizations/schemas.js';
import { route, type RouteSpec } from '../route.js';
import { decodeIdCursor, encodeCursor, listQuery } from '../schemas.js';
import {
  acceptedInvitationSchema,
  acceptInvitationBody,
  invitationParams,
  invitationPreviewSchema,
  invitationSchema,
  inviteBody,
} from './invitations-schemas.js';

const tags = ['Invitations'];

/** Never the token: it exists only in the invitee's email. */
function presentInvitation(invitation: Invitation) {
  return {
    id: invitation.id,
    email: invitation.email,
    role: invitation.role,
    invited_by: invitation.invitedBy,
    created_at: invitation.createdAt.toISOString(),
    expires_at: invitation.expiresAt.toISOString(),
  };
}

const notMember = { description: 'No such organization, or the caller is not a member' };
const forbidden = { description: 'The caller lacks the permission' };

export function invitationsRoutes(deps: Deps): RouteSpec[] {
  return [
    route({
      method: 'post',
      path: '/organizations/:org/invitations',
      operationId: 'createInvitation',
      summary: 'Invite a person by email with a role; replaces a pending invitation to that email',
      tags,
      scope: 'organization',
      permission: 'invitation:manage',
      params: organizationParams,
      body: inviteBody,
      responses: {
        201: { description: 'Invited; the token is emailed', data: invitationSchema },
        403: {
          description:
            'The caller lacks the permission, or the role grants permissions the caller does not hold, or only an owner may invite an owner',
        },
        404: notMember,
        409: { description: 'The email belongs to a member already' },
        422: { description: 'Invalid email or unknown role' },
      },
      handler: async (ctx, { body }) => {
        const invitation = await invite(deps, accessOf(ctx), body);
        respond(ctx, presentInvitation(invitation), {
          status: 201,
          location: organizationUrl(ctx, 'invitations', invitation.id),
        });
      },
    }),
    route({
      method: 'get',
      path: '/organizations/:org/invitations',
      operationId: 'listInvitations',
      summary: 'Pending invitations, newest first, in keyset pages',
      tags,
      scope: 'organization',
      permission: 'invitation:manage',
      params: organizationParams,
      query: listQuery,
      responses: {
        200: {
          description: 'Pending invitations (not accepted, revoked or expired)',
          data: z.array(invitationSchema),
          paginated: true,
        },
        403: forbidden,
        404: notMember,
        422: { description: 'Invalid limit or cursor, or an unknown query parameter' },
      },
      handler: async (ctx, { query }) => {
        const after = decodeIdCursor(query.cursor);
        const page = await listInvitations(deps, accessOf(ctx), { limit: query.limit, after });
        const next = page.nextCursor === null ? null : encodeCursor(page.nextCursor);
        respond(ctx, page.items.map(presentInvitation), {
          pagination: { limit: query.limit, next_cursor: next, has_more: next !== null },
        });
      },
    }),
    route({
      method: 'delete',
      path: '/organizations/:org/invitations/:id',
      operationId: 'revokeInvitation',
      summary: 'Revoke a pending invitation; its token stops working',
      tags,
      scope: 'organization',
      permission: 'invitation:manage',
      params: invitationParams,
      responses: {
        204: { description: 'Revoked' },
        403: forbidden,
        404: { description: 'No such pending invitation (or organization)' },
      },
      handler: async (ctx, { params }) => {
        await revokeInvitation(deps, accessOf(ctx), params.id);
        ctx.status = 204;
      },
    }),
    route({
      method: 'post',
      path: '/invitations/preview',
      operationId: 'previewInvitation',
      summary:
        'What an invitation token is for (organization, role, inviter, address), before accepting',
      tags,
      scope: 'public',
      body: acceptInvitationBody,
      responses: {
        200: { description: 'The pending invitation', data: invitationPreviewSchema },
        422: { description: 'The token is invalid, expired, revoked or already used' },
      },
      handler: async (ctx, { body }) => {
        const preview = await previewInvitation(deps, body);
        respond(ctx, {
          organization_name: preview.organizationName,
          role: preview.roleName,
          invited_by_name: preview.invitedByName,
          email: preview.email,
          expires_at: preview.expiresAt.toISOString(),
        });
      },
    }),
    route({
      method: 'post',
      path: '/invitations/accept',
      operationId: 'acceptInvitation',
      summary: 'Accept an invitation as the invited, logged-in user',
      tags,
      scope: 'user',
      body: acceptInvitationBody,
      responses: {
        200: { description: 'Now a member', data: acceptedInvitationSchema },
        401: { description: 'Not logged in' },
        403: { description: 'The invitation was sent to another email address' },
        409: { description: 'Already a member of the organization' },
        422: { description: 'The token is invalid, expired, revoked or already used' },
      },
      handler: async (ctx, { body }) => {
        const accepted = await acceptInvitation(deps, userOf(ctx), body);
        ctx.state.organizationId = accepted.organizationId;
        respond(ctx, { organization_id: accepted.organizationId, role: accepted.role });
      },
    }),
  ];
}
