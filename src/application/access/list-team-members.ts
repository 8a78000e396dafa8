// Listing the members of a team in pages.
import { authorize } from '../../domain/access/authorize.js';
import { notFound } from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';
import { pageOf, type Page } from '../shared/page.js';
import type { PageRequest, TeamMember } from './ports.js';
import { inOrganization, type OrganizationAccess } from './resolve-access.js';

/** A page of the team's members, in the order they joined; the cursor is a user id. */
export async function listTeamMembers(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
  teamId: string,
  page: PageRequest,
): Promise<Page<TeamMember>> {
  authorize(access.grant, 'team:read');
  const organizationId = access.organization.id;
  const rows = await inOrganization(deps, access, async (tx) => {
    if (!(await tx.teams.find(organizationId, teamId))) notFound('team');
    return tx.teams.listMembers(organizationId, teamId, {
      limit: page.limit + 1,
      after: page.after,
    });
  });
  const { items, next } = pageOf(rows, page.limit, (last) => last.userId);
  return { items, nextCursor: next };
}
