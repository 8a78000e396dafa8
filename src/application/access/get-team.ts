// Reading one team.
import { authorize } from '../../domain/access/authorize.js';
import { notFound } from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';
import type { Team } from './ports.js';
import { inOrganization, type OrganizationAccess } from './resolve-access.js';

export async function getTeam(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
  id: string,
): Promise<Team> {
  authorize(access.grant, 'team:read');
  const team = await inOrganization(deps, access, (tx) =>
    tx.teams.find(access.organization.id, id),
  );
  return team ?? notFound('team');
}
