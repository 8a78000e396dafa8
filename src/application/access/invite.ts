// Inviting a person by email with a role.
import { authorize } from '../../domain/access/authorize.js';
import { assertMayAssignRole } from '../../domain/access/role-assignment.js';
import { actorIdOf } from '../../domain/identity/principal.js';
import { normalizeEmail } from '../../domain/identity/user.js';
import { ConflictError } from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';
import { enqueueEmail } from '../jobs/email.js';
import { recordAudit } from './audit.js';
import { invitationEmail } from './invitation-email.js';
import { resolveAssignableRole } from './member-roles.js';
import type { Invitation } from './ports.js';
import { inOrganization, type OrganizationAccess } from './resolve-access.js';

/** An invitation can be accepted for 7 days. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export interface InviteInput {
  readonly email: string;
  /** A built-in role name or a custom role id of the organization. */
  readonly role: string;
}

/**
 * Invites a person by email. A pending invitation for the same email is revoked and replaced (its
 * token stops working). The caller may offer only a role whose permissions they hold; only owners
 * invite owners. The token is emailed (a job enqueued with the invitation, sent by the worker once
 * it commits) and never returned.
 */
export async function invite(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids' | 'secrets' | 'identity'>,
  access: OrganizationAccess,
  input: InviteInput,
): Promise<Invitation> {
  authorize(access.grant, 'invitation:manage');
  const organizationId = access.organization.id;
  const email = normalizeEmail(input.email);
  const token = deps.secrets.generate();

  return inOrganization(deps, access, async (tx) => {
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
    const mail = invitationEmail(
      deps.identity.publicUrl,
      access.organization.name,
      role.name,
      token,
    );
    await enqueueEmail(deps, tx, { to: email, ...mail }, organizationId);
    return invitation;
  });
}
