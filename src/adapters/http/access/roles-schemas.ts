// Request and response schemas of /organizations/{org}/roles.
import { z } from 'zod';
import 'zod-openapi';
import {
  ROLE_DESCRIPTION_MAX_LENGTH,
  ROLE_NAME_MAX_LENGTH,
} from '../../../application/access/role-rules.js';
import { BUILT_IN_ROLES, PERMISSIONS } from '../../../domain/access/permissions.js';
import { organizationParams } from '../organizations/schemas.js';

// Shape and abuse bounds only; the name, description and permission rules live in the use case
// and answer with field details (`permissions.2: Unknown permission "x"`).
const name = z
  .string()
  .max(ROLE_NAME_MAX_LENGTH * 4)
  .meta({
    description: `1–${ROLE_NAME_MAX_LENGTH} characters; not a built-in role name`,
    example: 'Auditor',
  });
const description = z.string().max(ROLE_DESCRIPTION_MAX_LENGTH * 4);
const permissions = z
  .array(z.string().max(100))
  .max(PERMISSIONS.length * 4)
  .meta({
    description: 'Permissions the role grants; each must be one the caller holds',
    example: ['audit:read', 'member:read'],
  });

export const roleParams = organizationParams.extend({
  id: z.string().min(1).max(100).meta({ description: 'A built-in role name or a custom role id' }),
});

export const createRoleBody = z.object({ name, description: description.optional(), permissions });
export const updateRoleBody = z
  .object({
    name: name.optional(),
    description: description.optional(),
    permissions: permissions.optional(),
  })
  .strict();

const permissionList = z.array(z.enum(PERMISSIONS));

export const builtInRoleSchema = z
  .object({
    id: z.enum(BUILT_IN_ROLES).meta({ description: 'The role’s name' }),
    name: z.enum(BUILT_IN_ROLES),
    built_in: z.literal(true),
    permissions: permissionList,
  })
  .meta({ id: 'BuiltInRole' });

export const customRoleSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string(),
    built_in: z.literal(false),
    permissions: permissionList,
    version: z.number().int(),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
  })
  .meta({ id: 'CustomRole' });

export const roleSchema = z
  .discriminatedUnion('built_in', [builtInRoleSchema, customRoleSchema])
  .meta({ id: 'Role' });
