// Use cases of an organization's members: list them, change a member's role, remove a member.
import { authorize } from '../../domain/access/authorize.js';
import { assertOwnerRemains, type Membership } from '../../domain/access/membership.js';
import { isBuiltInRole, ROLE_PERMISSIONS } from '../../domain/access/permissions.js';
import {
  assertMayAssignRole,
  assertMayRemoveMember,
  type ResolvedRole,
} from '../../domain/access/role-assignment.js';
import { notFound, ValidationError } from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';
import type { Repositories } from '../shared/unit-of-work.js';
import { recordAudit } from './audit.js';
import type { MemberView, PageRequest } from './ports.js';
import {
  forgetGrants,
  inOrganization,
  permissionsOfRole,
  type OrganizationAccess,
} from './resolve-access.js';
import { isUuid } from '../../domain/shared/id.js';
import { pageOf } from '../shared/page.js';

export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

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
async function currentRoleOf(
  tx: Pick<Repositories, 'roles'>,
  membership: Membership,
): Promise<ResolvedRole> {
  const permissions = await permissionsOfRole(tx, membership.organizationId, membership.role);
  return { role: membership.role, permissions: permissions ?? [] };
}

/** Members in a stable order; `after` and `nextCursor` are membership ids. */
export async function listMembers(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
  page: PageRequest,
): Promise<Page<MemberView>> {
  authorize(access.grant, 'member:read');
  const rows = await inOrganization(deps, access, (tx) =>
    tx.memberships.list(access.organization.id, { limit: page.limit + 1, after: page.after }),
  );
  const { items, next } = pageOf(rows, page.limit, (last) => last.id);
  return { items, nextCursor: next };
}

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
