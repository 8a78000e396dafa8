// Deleting a team.
import { authorize } from '../../domain/access/authorize.js';
import { notFound, PreconditionFailedError } from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';
import { recordAudit } from './audit.js';
import { inOrganization, type OrganizationAccess } from './resolve-access.js';

/** Deletes the team and its memberships (the people stay in the organization). */
export async function deleteTeam(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids'>,
  access: OrganizationAccess,
  id: string,
  expectedVersion?: number,
): Promise<void> {
  authorize(access.grant, 'team:manage');
  const organizationId = access.organization.id;
  await inOrganization(deps, access, async (tx) => {
    const team = (await tx.teams.find(organizationId, id)) ?? notFound('team');
    if (expectedVersion !== undefined && team.version !== expectedVersion) {
      throw new PreconditionFailedError();
    }
    if (!(await tx.teams.delete(organizationId, id))) notFound('team');
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'team.deleted',
      targetType: 'team',
      targetId: id,
      changes: { name: team.name, member_count: team.memberCount },
    });
  });
}
