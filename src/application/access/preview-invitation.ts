// What the holder of an invitation token may learn before accepting: what the invitation email
// already told them (the organization and the role), who sent it, and the address it is for.
import { isBuiltInRole } from '../../domain/access/permissions.js';
import { ValidationError } from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';
import { UNUSABLE_INVITATION } from './unusable-invitation.js';

export interface InvitationPreview {
  readonly organizationName: string;
  readonly roleName: string;
  /** The inviter's name; null when an API key sent it or the inviter's account is gone. */
  readonly invitedByName: string | null;
  readonly email: string;
  readonly expiresAt: Date;
}

/**
 * Reads a pending invitation by its token, without a credential: the token is the proof. An
 * unusable token (unknown, expired, revoked, accepted) answers like acceptInvitation does.
 */
export async function previewInvitation(
  deps: Pick<Deps, 'repos' | 'uow' | 'clock' | 'secrets'>,
  input: { readonly token: string },
): Promise<InvitationPreview> {
  const located = await deps.repos.invitations.locateToken(deps.secrets.hash(input.token));
  if (!located) throw ValidationError.field('token', UNUSABLE_INVITATION);
  const { organizationId, invitationId } = located;

  return deps.uow.run(
    async (tx) => {
      const invitation = await tx.invitations.find(organizationId, invitationId);
      const organization = await tx.organizations.find(organizationId);
      if (
        !invitation ||
        !organization ||
        invitation.acceptedAt !== null ||
        invitation.revokedAt !== null ||
        invitation.expiresAt <= deps.clock.now()
      ) {
        throw ValidationError.field('token', UNUSABLE_INVITATION);
      }
      const roleName = isBuiltInRole(invitation.role)
        ? invitation.role
        : (await tx.roles.find(organizationId, invitation.role))?.name;
      if (roleName === undefined) {
        throw ValidationError.field('token', 'The invited role no longer exists');
      }
      const inviter = invitation.invitedBy ? await tx.users.findById(invitation.invitedBy) : null;
      return {
        organizationName: organization.name,
        roleName,
        invitedByName: inviter?.name ?? null,
        email: invitation.email,
        expiresAt: invitation.expiresAt,
      };
    },
    { organizationId },
  );
}
