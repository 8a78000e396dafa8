// Taking a member off a team.
import { authorize } from '../../domain/access/authorize.js';
import { notFound } from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';
import { recordAudit } from './audit.js';
import { inOrganization, type OrganizationAccess } from './resolve-access.js';

export async function removeTeamMember(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids'>,
  access: OrganizationAccess,
  teamId: string,
  userId: string,
): Promise<void> {
  authorize(access.grant, 'team:manage');
  const organizationId = access.organization.id;
  await inOrganization(deps, access, async (tx) => {
    if (!(await tx.teams.removeMember(organizationId, teamId, userId))) notFound('team member');
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'team.member_removed',
      targetType: 'team',
      targetId: teamId,
      changes: { user_id: userId },
    });
  });
}
