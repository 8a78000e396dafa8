// The roles of members, shared by the member and invitation use cases: the role a member holds,
// and the roles that may be assigned.
import type { Membership } from '../../domain/access/membership.js';
import { isBuiltInRole, ROLE_PERMISSIONS } from '../../domain/access/permissions.js';
import type { ResolvedRole } from '../../domain/access/role-assignment.js';
import { ValidationError } from '../../domain/shared/errors.js';
import { isUuid } from '../../domain/shared/id.js';
import type { Repositories } from '../shared/unit-of-work.js';
import { permissionsOfRole } from './resolve-access.js';

export interface AssignableRole extends ResolvedRole {
  /** How people read it: the built-in role name or the custom role's name. */
  readonly name: string;
}

/**
 * A role that may be assigned in the organization: a built-in role name or the id of one of its
 * custom roles, with its permissions. Anything else is a ValidationError on `role`.
 */
export async function resolveAssignableRole(
  tx: Pick<Repositories, 'roles'>,
  organizationId: string,
  role: string,
): Promise<AssignableRole> {
  if (isBuiltInRole(role)) return { role, name: role, permissions: ROLE_PERMISSIONS[role] };
  const custom = isUuid(role) ? await tx.roles.find(organizationId, role) : undefined;
  if (!custom) throw ValidationError.field('role', 'Must be a built-in role or a custom role id');
  return { role: custom.id, name: custom.name, permissions: custom.permissions };
}

/** The member's current role with its permissions (none if the custom role is gone). */
export async function currentRoleOf(
  tx: Pick<Repositories, 'roles'>,
  membership: Membership,
): Promise<ResolvedRole> {
  const permissions = await permissionsOfRole(tx, membership.organizationId, membership.role);
  return { role: membership.role, permissions: permissions ?? [] };
}
