// Changing a member's role.
import { authorize } from '../../domain/access/authorize.js';
import { assertOwnerRemains } from '../../domain/access/membership.js';
import { assertMayAssignRole } from '../../domain/access/role-assignment.js';
import { notFound, PreconditionFailedError } from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';
import { recordAudit } from './audit.js';
import type { MemberView } from './ports.js';
import { forgetGrants, inOrganization, type OrganizationAccess } from './resolve-access.js';
import { currentRoleOf, resolveAssignableRole } from './member-roles.js';

export interface ChangeRoleInput {
  readonly userId: string;
  /** A built-in role name or a custom role id of the organization. */
  readonly role: string;
  /** If-Match: the membership's version the caller saw; another one is a 412. */
  readonly expectedVersion?: number | undefined;
}

/**
 * Gives a member another role. The caller must hold every permission of the new role and of the
 * member's current one; only owners make or unmake owners; the last owner stays an owner. A change
 * bumps the membership's version; with `expectedVersion` it is made only at that version.
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
      // The version is checked by the UPDATE itself: of two writers that saw the same version,
      // the second matches no row once the first has committed (412).
      const changed = await tx.memberships.updateRole(
        organizationId,
        input.userId,
        to.role,
        input.expectedVersion,
      );
      if (!changed) notFound('member');
      await recordAudit(deps, tx, access.principal, organizationId, {
        action: 'member.role_changed',
        targetType: 'member',
        targetId: input.userId,
        changes: { role: { from: membership.role, to: to.role } },
      });
    } else if (
      input.expectedVersion !== undefined &&
      membership.version !== input.expectedVersion
    ) {
      // Nothing to write, but the caller's view is stale all the same.
      throw new PreconditionFailedError();
    }
    return (await tx.memberships.findView(organizationId, input.userId)) ?? notFound('member');
  });
  await forgetGrants(deps, organizationId, [input.userId]);
  return member;
}
