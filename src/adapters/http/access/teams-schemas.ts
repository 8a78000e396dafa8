// Request and response schemas of /organizations/{org}/teams and their members.
import { z } from 'zod';
import 'zod-openapi';
import {
  TEAM_DESCRIPTION_MAX_LENGTH,
  TEAM_NAME_MAX_LENGTH,
} from '../../../application/access/team-fields.js';
import { organizationParams } from '../organizations/schemas.js';

// Shape and abuse bounds only; the length rules live in the use case and answer with field details.
const name = z
  .string()
  .max(TEAM_NAME_MAX_LENGTH * 4)
  .meta({
    description: `1–${TEAM_NAME_MAX_LENGTH} characters, unique in the organization`,
    example: 'Support',
  });
const description = z.string().max(TEAM_DESCRIPTION_MAX_LENGTH * 4);

export const teamParams = organizationParams.extend({
  id: z.string().min(1).max(100).meta({ description: 'Team id' }),
});
export const teamMemberParams = teamParams.extend({
  user_id: z.string().min(1).max(100).meta({ description: 'User id' }),
});

export const createTeamBody = z.object({ name, description: description.optional() });
export const updateTeamBody = z
  .object({ name: name.optional(), description: description.optional() })
  .strict();
export const addTeamMemberBody = z.object({
  user_id: z.uuid().meta({ description: 'A member of the organization' }),
});

export const teamSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string(),
    member_count: z.number().int(),
    version: z.number().int(),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
  })
  .meta({ id: 'Team' });

export const teamMemberSchema = z
  .object({
    team_id: z.uuid(),
    user_id: z.uuid(),
    email: z.email(),
    name: z.string(),
    added_at: z.iso.datetime(),
  })
  .meta({ id: 'TeamMember' });
