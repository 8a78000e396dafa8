// Revoking a pending invitation.
import { authorize } from '../../domain/access/authorize.js';
import { notFound } from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';
import { recordAudit } from './audit.js';
import { inOrganization, type OrganizationAccess } from './resolve-access.js';

/** Revokes a pending invitation; its token stops working. */
export async function revokeInvitation(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids'>,
  access: OrganizationAccess,
  invitationId: string,
): Promise<void> {
  authorize(access.grant, 'invitation:manage');
  const organizationId = access.organization.id;
  await inOrganization(deps, access, async (tx) => {
    const invitation =
      (await tx.invitations.find(organizationId, invitationId)) ?? notFound('invitation');
    if (!(await tx.invitations.revoke(organizationId, invitation.id, deps.clock.now()))) {
      notFound('invitation');
    }
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'invitation.revoked',
      targetType: 'invitation',
      targetId: invitation.id,
      changes: { email: invitation.email },
    });
  });
}
