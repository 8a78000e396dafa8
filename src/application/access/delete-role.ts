// Deleting a custom role nobody holds.
import { authorize } from '../../domain/access/authorize.js';
import { isBuiltInRole } from '../../domain/access/permissions.js';
import { ConflictError, notFound, PreconditionFailedError } from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';
import { recordAudit } from './audit.js';
import { inOrganization, type OrganizationAccess } from './resolve-access.js';
import { readOnly } from './role-rules.js';

/** Deletes a custom role nobody holds: not a member, not an API key. */
export async function deleteRole(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids'>,
  access: OrganizationAccess,
  id: string,
  expectedVersion?: number,
): Promise<void> {
  authorize(access.grant, 'role:manage');
  if (isBuiltInRole(id)) throw readOnly();
  const organizationId = access.organization.id;
  await inOrganization(deps, access, async (tx) => {
    const role = (await tx.roles.find(organizationId, id)) ?? notFound('role');
    if (expectedVersion !== undefined && role.version !== expectedVersion) {
      throw new PreconditionFailedError();
    }
    const members = await tx.memberships.countWithRole(organizationId, id);
    const keys = await tx.apiKeys.countWithRole(organizationId, id);
    if (members + keys > 0) {
      throw new ConflictError(
        `The role is in use (${members} member(s), ${keys} API key(s)); reassign them first`,
      );
    }
    if (!(await tx.roles.delete(organizationId, id))) notFound('role');
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'role.deleted',
      targetType: 'role',
      targetId: id,
      changes: { name: role.name, permissions: role.permissions },
    });
  });
}
