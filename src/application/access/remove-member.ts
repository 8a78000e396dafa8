// Removing a member from an organization (or leaving it).
import { authorize } from '../../domain/access/authorize.js';
import { assertOwnerRemains } from '../../domain/access/membership.js';
import { assertMayRemoveMember } from '../../domain/access/role-assignment.js';
import { notFound } from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';
import { recordAudit } from './audit.js';
import { forgetGrants, inOrganization, type OrganizationAccess } from './resolve-access.js';
import { currentRoleOf } from './member-roles.js';

/**
 * Removes a member from the organization and from all its teams. A member may always leave
 * (remove themselves); removing someone else needs `member:manage` and the member's permissions.
 * The last owner can neither leave nor be removed.
 */
export async function removeMember(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids' | 'cache'>,
  access: OrganizationAccess,
  userId: string,
): Promise<void> {
  const leaving = access.grant.actorId === userId;
  // Before looking the member up: a caller who may not remove others learns nothing about them.
  if (!leaving) authorize(access.grant, 'member:manage');
  const organizationId = access.organization.id;
  await inOrganization(deps, access, async (tx) => {
    const membership = (await tx.memberships.find(organizationId, userId)) ?? notFound('member');
    assertMayRemoveMember(access.grant, { userId, ...(await currentRoleOf(tx, membership)) });
    assertOwnerRemains(membership, null, await tx.memberships.countOwnersLocked(organizationId));
    if (!(await tx.memberships.remove(organizationId, userId))) notFound('member');
    await tx.teams.removeUserEverywhere(organizationId, userId);
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'member.removed',
      targetType: 'member',
      targetId: userId,
      changes: { role: membership.role, ...(leaving && { left: true }) },
    });
  });
  await forgetGrants(deps, organizationId, [userId]);
}
