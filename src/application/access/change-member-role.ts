// Changing a member's role.
import { authorize } from '../../domain/access/authorize.js';
import { assertOwnerRemains } from '../../domain/access/membership.js';
import { assertMayAssignRole } from '../../domain/access/role-assignment.js';
import { notFound } from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';
import { recordAudit } from './audit.js';
import type { MemberView } from './ports.js';
import { forgetGrants, inOrganization, type OrganizationAccess } from './resolve-access.js';
import { currentRoleOf, resolveAssignableRole } from './member-roles.js';

export interface ChangeRoleInput {
  readonly userId: string;
  /** A built-in role name or a custom role id of the organization. */
  readonly role: string;
}

/**
 * Gives a member another role. The caller must hold every permission of the new role and of the
 * member's current one; only owners make or unmake owners; the last owner stays an owner.
 */
export async function changeMemberRole(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids' | 'cache'>,
  access: OrganizationAccess,
  input: ChangeRoleInput,
): Promise<MemberView> {
  authorize(access.grant, 'member:manage');
  const organizationId = access.organization.id;
  const member = await inOrganization(deps, access, async (tx) => {
    const membership =
      (await tx.memberships.find(organizationId, input.userId)) ?? notFound('member');
    const to = await resolveAssignableRole(tx, organizationId, input.role);
    assertMayAssignRole(access.grant, await currentRoleOf(tx, membership), to);
    if (membership.role !== to.role) {
      assertOwnerRemains(
        membership,
        to.role,
        await tx.memberships.countOwnersLocked(organizationId),
      );
      await tx.memberships.updateRole(organizationId, input.userId, to.role);
      await recordAudit(deps, tx, access.principal, organizationId, {
        action: 'member.role_changed',
        targetType: 'member',
        targetId: input.userId,
        changes: { role: { from: membership.role, to: to.role } },
      });
    }
    return (await tx.memberships.findView(organizationId, input.userId)) ?? notFound('member');
  });
  await forgetGrants(deps, organizationId, [input.userId]);
  return member;
}
