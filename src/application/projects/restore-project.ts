// Restoring a soft-deleted project.
import { authorize } from '../../domain/access/authorize.js';
import type { Project } from '../../domain/projects/project.js';
import { ConflictError, notFound } from '../../domain/shared/errors.js';
import { recordAudit } from '../access/audit.js';
import { inOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';

/** Brings a deleted project back; a project that is not deleted answers 409. */
export async function restoreProject(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids'>,
  access: OrganizationAccess,
  ref: string,
  expectedVersion?: number,
): Promise<Project> {
  authorize(access.grant, 'project:delete');
  const organizationId = access.organization.id;
  return inOrganization(deps, access, async (tx) => {
    const project =
      (await tx.projects.find(organizationId, ref, { includeDeleted: true })) ??
      notFound('project');
    if (project.deletedAt === null) throw new ConflictError('The project is not deleted');
    const restored = await tx.projects.restore(
      organizationId,
      project.id,
      deps.clock.now(),
      expectedVersion,
    );
    // Seen deleted a moment ago, live now: a concurrent restore won.
    if (!restored) throw new ConflictError('The project is not deleted');
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'project.restored',
      targetType: 'project',
      targetId: project.id,
      about: { projectId: project.id, key: project.key },
      changes: { key: project.key, name: project.name },
    });
    return restored;
  });
}
