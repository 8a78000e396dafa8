// Who may hand out, change or take away which role. Pure: the caller resolves each role's
// permissions (built-in from the matrix, custom from the organization) and passes them in.
import { ForbiddenError } from '../shared/errors.js';
import { authorize, canGrant, type Grant } from './authorize.js';
import type { Permission } from './permissions.js';

export const OWNER_ROLE = 'owner';

/** A role together with what it grants: a built-in role name or a custom role id. */
export interface ResolvedRole {
  readonly role: string;
  readonly permissions: readonly Permission[];
}

/** A member as the removal rule sees them. */
export interface MemberToRemove extends ResolvedRole {
  readonly userId: string;
}

function assertOutranks(grant: Grant, member: ResolvedRole): void {
  if (member.role === OWNER_ROLE && grant.role !== OWNER_ROLE) {
    throw new ForbiddenError('Only an owner may change or remove an owner');
  }
  if (!canGrant(grant, member.permissions)) {
    throw new ForbiddenError('The member holds permissions you do not hold');
  }
}

/**
 * May the holder of `grant` give the role `to` — to a new invitee (`from` null) or to a member who
 * holds `from` now? Only an owner makes or unmakes owners; nobody hands out a permission they do not
 * hold; nobody changes the role of a member who holds permissions they lack.
 *
 * @example assertMayAssignRole(adminGrant, null, { role: 'owner', permissions }) // ForbiddenError
 */
export function assertMayAssignRole(
  grant: Grant,
  from: ResolvedRole | null,
  to: ResolvedRole,
): void {
  if (to.role === OWNER_ROLE && grant.role !== OWNER_ROLE) {
    throw new ForbiddenError('Only an owner may make someone an owner');
  }
  if (from !== null) assertOutranks(grant, from);
  if (!canGrant(grant, to.permissions)) {
    throw new ForbiddenError('You cannot grant a role with permissions you do not hold');
  }
}

/**
 * May the holder of `grant` remove `member` from the organization? Anyone may leave (remove
 * themselves); removing someone else needs `member:manage` and the member's permissions, so an
 * admin cannot remove an owner. Whether an owner remains is checked separately
 * (`assertOwnerRemains`), because that needs a count.
 */
export function assertMayRemoveMember(grant: Grant, member: MemberToRemove): void {
  if (member.userId === grant.actorId) return;
  authorize(grant, 'member:manage');
  assertOutranks(grant, member);
}
