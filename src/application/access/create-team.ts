// Creating a team.
import { authorize } from '../../domain/access/authorize.js';
import type { Deps } from '../deps.js';
import { recordAudit } from './audit.js';
import type { Team } from './ports.js';
import { inOrganization, type OrganizationAccess } from './resolve-access.js';
import { validDescription, validName } from './team-fields.js';

export interface CreateTeamInput {
  readonly name: string;
  readonly description?: string | undefined;
}

export async function createTeam(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids'>,
  access: OrganizationAccess,
  input: CreateTeamInput,
): Promise<Team> {
  authorize(access.grant, 'team:manage');
  const name = validName(input.name);
  const description = validDescription(input.description ?? '');
  const organizationId = access.organization.id;
  return inOrganization(deps, access, async (tx) => {
    const team = await tx.teams.create({
      id: deps.ids.next(),
      organizationId,
      name,
      description,
      now: deps.clock.now(),
    });
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'team.created',
      targetType: 'team',
      targetId: team.id,
      changes: { name, description },
    });
    return team;
  });
}
