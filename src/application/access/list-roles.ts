// Listing the roles: built-in, then custom.
import { authorize } from '../../domain/access/authorize.js';
import { BUILT_IN_ROLES } from '../../domain/access/permissions.js';
import type { Deps } from '../deps.js';
import { inOrganization, type OrganizationAccess } from './resolve-access.js';
import { builtInView, customView, type RoleView } from './role-rules.js';

/** The built-in roles (the whole permission matrix), then the organization's custom roles. */
export async function listRoles(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
): Promise<RoleView[]> {
  authorize(access.grant, 'role:read');
  const custom = await inOrganization(deps, access, (tx) => tx.roles.list(access.organization.id));
  return [...BUILT_IN_ROLES.map(builtInView), ...custom.map(customView)];
}
