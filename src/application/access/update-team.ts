// Changing a team's name or description.
import { authorize } from '../../domain/access/authorize.js';
import { notFound, ValidationError } from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';
import { changesBetween, recordAudit } from './audit.js';
import type { Team } from './ports.js';
import { inOrganization, type OrganizationAccess } from './resolve-access.js';
import { validDescription, validName } from './team-fields.js';

export interface UpdateTeamInput {
  readonly name?: string | undefined;
  readonly description?: string | undefined;
  readonly expectedVersion?: number | undefined;
}

export async function updateTeam(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids'>,
  access: OrganizationAccess,
  id: string,
  input: UpdateTeamInput,
): Promise<Team> {
  authorize(access.grant, 'team:manage');
  const changes = {
    ...(input.name !== undefined && { name: validName(input.name) }),
    ...(input.description !== undefined && { description: validDescription(input.description) }),
  };
  if (Object.keys(changes).length === 0) throw ValidationError.field('body', 'Nothing to change');
  const organizationId = access.organization.id;
  return inOrganization(deps, access, async (tx) => {
    const before = (await tx.teams.find(organizationId, id)) ?? notFound('team');
    const after =
      (await tx.teams.update(
        organizationId,
        id,
        changes,
        deps.clock.now(),
        input.expectedVersion,
      )) ?? notFound('team');
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'team.updated',
      targetType: 'team',
      targetId: id,
      changes: changesBetween(before, after, ['name', 'description']),
    });
    return after;
  });
}
