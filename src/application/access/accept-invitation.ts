// Accepting an invitation as the invited, logged-in user.
import type { UserPrincipal } from '../../domain/identity/principal.js';
import { normalizeEmail } from '../../domain/identity/user.js';
import {
  ConflictError,
  ForbiddenError,
  UnauthenticatedError,
  ValidationError,
} from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';
import { recordAudit } from './audit.js';
import { forgetGrants, permissionsOfRole } from './resolve-access.js';
import { UNUSABLE_INVITATION } from './unusable-invitation.js';

export interface AcceptedInvitation {
  readonly organizationId: string;
  readonly role: string;
}

/**
 * Makes the logged-in user a member with the invited role. The token names the organization; the
 * user's email must be the invited one (a mismatch reveals nothing about the organization).
 */
export async function acceptInvitation(
  deps: Pick<Deps, 'repos' | 'uow' | 'clock' | 'ids' | 'secrets' | 'cache'>,
  principal: UserPrincipal,
  input: { readonly token: string },
): Promise<AcceptedInvitation> {
  const located = await deps.repos.invitations.locateToken(deps.secrets.hash(input.token));
  if (!located) throw ValidationError.field('token', UNUSABLE_INVITATION);
  const { organizationId, invitationId } = located;

  const accepted = await deps.uow.run(
    async (tx) => {
      const now = deps.clock.now();
      const invitation = await tx.invitations.find(organizationId, invitationId);
      const organization = await tx.organizations.find(organizationId);
      if (
        !invitation ||
        !organization ||
        invitation.acceptedAt !== null ||
        invitation.revokedAt !== null ||
        invitation.expiresAt <= now
      ) {
        throw ValidationError.field('token', UNUSABLE_INVITATION);
      }
      const user = (await tx.users.findById(principal.userId)) ?? unauthenticated();
      if (normalizeEmail(user.email) !== invitation.email) {
        throw new ForbiddenError('This invitation was sent to another email address');
      }
      if (await tx.memberships.find(organizationId, user.id)) {
        throw new ConflictError('You are already a member of this organization');
      }
      // Still assignable: a custom role may have been deleted since the invitation was sent.
      if ((await permissionsOfRole(tx, organizationId, invitation.role)) === undefined) {
        throw ValidationError.field('token', 'The invited role no longer exists');
      }
      if (!(await tx.invitations.markAccepted(organizationId, invitation.id, user.id, now))) {
        throw ValidationError.field('token', UNUSABLE_INVITATION);
      }
      await tx.memberships.add({
        id: deps.ids.next(),
        organizationId,
        userId: user.id,
        role: invitation.role,
        now,
      });
      await recordAudit(deps, tx, principal, organizationId, {
        action: 'member.added',
        targetType: 'member',
        targetId: user.id,
        changes: { role: invitation.role, invitation_id: invitation.id },
      });
      return { organizationId, role: invitation.role };
    },
    { organizationId },
  );
  await forgetGrants(deps, organizationId, [principal.userId]);
  return accepted;
}

function unauthenticated(): never {
  throw new UnauthenticatedError();
}
