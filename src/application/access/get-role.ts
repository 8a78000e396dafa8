// Reading one role.
import { authorize } from '../../domain/access/authorize.js';
import { isBuiltInRole } from '../../domain/access/permissions.js';
import { notFound } from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';
import { inOrganization, type OrganizationAccess } from './resolve-access.js';
import { builtInView, customView, type RoleView } from './role-rules.js';

/** A built-in role by name, or a custom role by id. */
export async function getRole(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
  id: string,
): Promise<RoleView> {
  authorize(access.grant, 'role:read');
  if (isBuiltInRole(id)) return builtInView(id);
  const role = await inOrganization(deps, access, (tx) =>
    tx.roles.find(access.organization.id, id),
  );
  return customView(role ?? notFound('role'));
}
