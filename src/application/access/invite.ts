// Inviting a person by email with a role.
import { authorize } from '../../domain/access/authorize.js';
import { assertMayAssignRole } from '../../domain/access/role-assignment.js';
import { actorIdOf } from '../../domain/identity/principal.js';
import { normalizeEmail } from '../../domain/identity/user.js';
import { ConflictError } from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';
import { recordAudit } from './audit.js';
import { resolveAssignableRole } from './member-roles.js';
import type { Invitation } from './ports.js';
import { inOrganization, type OrganizationAccess } from './resolve-access.js';

/** An invitation can be accepted for 7 days. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export function invitationEmail(
  publicUrl: string,
  organizationName: string,
  roleName: string,
  token: string,
) {
  const link = `${publicUrl}/accept-invitation?token=${encodeURIComponent(token)}`;
  return {
    subject: `You are invited to join ${organizationName} on TeamFlow`,
    text: `Hello,\n\nYou have been invited to join ${organizationName} on TeamFlow as ${roleName}. Sign in with this email address and open this link to accept:\n${link}\n\nOr send this token to POST /api/v1/invitations/accept: ${token}\n\nThe invitation expires in 7 days.\n`,
  };
}

export interface InviteInput {
  readonly email: string;
  /** A built-in role name or a custom role id of the organization. */
  readonly role: string;
}

/**
 * Invites a person by email. A pending invitation for the same email is revoked and replaced (its
 * token stops working). The caller may offer only a role whose permissions they hold; only owners
 * invite owners. The token is emailed after the commit and never returned.
 */
export async function invite(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids' | 'secrets' | 'mailer' | 'identity'>,
  access: OrganizationAccess,
  input: InviteInput,
): Promise<Invitation> {
  authorize(access.grant, 'invitation:manage');
  const organizationId = access.organization.id;
  const email = normalizeEmail(input.email);
  const token = deps.secrets.generate();

  const { invitation, roleName } = await inOrganization(deps, access, async (tx) => {
    const role = await resolveAssignableRole(tx, organizationId, input.role);
    assertMayAssignRole(access.grant, null, role);
    const existing = await tx.users.findByEmail(email);
    if (existing && (await tx.memberships.find(organizationId, existing.id))) {
      throw new ConflictError('This person is already a member of the organization');
    }

    const now = deps.clock.now();
    // The one it replaces: revoked, expired or not; only one still pending is recorded.
    const replaced = (await tx.invitations.revokePendingFor(organizationId, email, now)).find(
      (revoked) => revoked.expiresAt.getTime() > now.getTime(),
    );
    const invitation = await tx.invitations.create({
      id: deps.ids.next(),
      organizationId,
      email,
      role: role.role,
      tokenHash: deps.secrets.hash(token),
      invitedBy: actorIdOf(access.principal),
      now,
      expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
    });
    if (replaced) {
      await recordAudit(deps, tx, access.principal, organizationId, {
        action: 'invitation.revoked',
        targetType: 'invitation',
        targetId: replaced.id,
        changes: { email, replaced_by: invitation.id },
      });
    }
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'invitation.created',
      targetType: 'invitation',
      targetId: invitation.id,
      changes: { email, role: role.role },
    });
    return { invitation, roleName: role.name };
  });

  // After the commit (the request's, under an Idempotency-Key): a mail failure must not undo the
  // invitation; inviting again sends a new one.
  await deps.uow.afterCommit(() =>
    deps.mailer
      .send({
        to: email,
        ...invitationEmail(deps.identity.publicUrl, access.organization.name, roleName, token),
      })
      .catch(() => undefined),
  );
  return invitation;
}
