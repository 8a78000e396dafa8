// Request and response schemas of /organizations/{org}/invitations and /invitations.
import { z } from 'zod';
import 'zod-openapi';
import { organizationParams } from '../organizations/schemas.js';
import { role } from './members-schemas.js';

export const invitationParams = organizationParams.extend({
  id: z.uuid().meta({ description: 'The invitation id' }),
});

export const inviteBody = z
  .object({ email: z.email().max(254).meta({ example: 'ada@example.com' }), role })
  .strict();

export const acceptInvitationBody = z.object({
  token: z.string().min(1).max(200).meta({ description: 'The token from the invitation email' }),
});

export const invitationSchema = z
  .object({
    id: z.uuid(),
    email: z.email(),
    role: z.string().meta({ description: 'A built-in role name or a custom role id' }),
    invited_by: z.uuid().nullable().meta({ description: 'The user (or API key) who invited' }),
    created_at: z.iso.datetime(),
    expires_at: z.iso.datetime(),
  })
  .meta({ id: 'Invitation' });

export const invitationPreviewSchema = z
  .object({
    organization_name: z.string(),
    role: z.string().meta({ description: 'The name of the invited role' }),
    invited_by_name: z
      .string()
      .nullable()
      .meta({ description: 'Who sent it; null when an API key did or the account is gone' }),
    email: z.string().meta({ description: 'The address the invitation was sent to' }),
    expires_at: z.iso.datetime(),
  })
  .meta({ id: 'InvitationPreview' });

export const acceptedInvitationSchema = z
  .object({
    organization_id: z.uuid(),
    role: z.string().meta({ description: 'The role the invitation gave' }),
  })
  .meta({ id: 'AcceptedInvitation' });
