// Listing the members of a team.
import { authorize } from '../../domain/access/authorize.js';
import { notFound } from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';
import type { TeamMember } from './ports.js';
import { inOrganization, type OrganizationAccess } from './resolve-access.js';

export async function listTeamMembers(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
  teamId: string,
): Promise<TeamMember[]> {
  authorize(access.grant, 'team:read');
  const organizationId = access.organization.id;
  return inOrganization(deps, access, async (tx) => {
    if (!(await tx.teams.find(organizationId, teamId))) notFound('team');
    return tx.teams.listMembers(organizationId, teamId);
  });
}
