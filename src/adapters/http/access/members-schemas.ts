// Request and response schemas of /organizations/{org}/members.
import { z } from 'zod';
import 'zod-openapi';
import { organizationParams } from '../organizations/schemas.js';

/** A role to give: a built-in role name or a custom role id (invitations offer one too). */
export const role = z.string().min(1).max(100).meta({
  description:
    'A built-in role (owner, admin, manager, member, viewer, requester) or a custom role id',
  example: 'member',
});

export const memberParams = organizationParams.extend({
  user_id: z.uuid().meta({ description: 'The member’s user id' }),
});

export const changeRoleBody = z.object({ role }).strict();

export const memberSchema = z
  .object({
    user_id: z.uuid(),
    email: z.email(),
    name: z.string(),
    role: z.string().meta({ description: 'A built-in role name or a custom role id' }),
    version: z.number().int().meta({
      description: 'The membership’s version, also its ETag; bumped by every role change',
    }),
    joined_at: z.iso.datetime(),
  })
  .meta({ id: 'Member' });
