// Adding a member of the organization to a team.
import { authorize } from '../../domain/access/authorize.js';
import { notFound, ValidationError } from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';
import { recordAudit } from './audit.js';
import type { TeamMember } from './ports.js';
import { inOrganization, type OrganizationAccess } from './resolve-access.js';

/** Adds a member of the organization to the team; ConflictError when already in it. */
export async function addTeamMember(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids'>,
  access: OrganizationAccess,
  teamId: string,
  userId: string,
): Promise<TeamMember> {
  authorize(access.grant, 'team:manage');
  const organizationId = access.organization.id;
  return inOrganization(deps, access, async (tx) => {
    if (!(await tx.teams.find(organizationId, teamId))) notFound('team');
    const member = await tx.memberships.findView(organizationId, userId);
    if (!member) {
      throw ValidationError.field('user_id', 'Not a member of this organization');
    }
    const now = deps.clock.now();
    await tx.teams.addMember({ id: deps.ids.next(), organizationId, teamId, userId, now });
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'team.member_added',
      targetType: 'team',
      targetId: teamId,
      changes: { user_id: userId },
    });
    return { teamId, userId, email: member.email, name: member.name, addedAt: now };
  });
}
