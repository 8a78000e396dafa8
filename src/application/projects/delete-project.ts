// Deleting a project (softly: restoreProject brings it back).
import { authorize } from '../../domain/access/authorize.js';
import { notFound } from '../../domain/shared/errors.js';
import { recordAudit } from '../access/audit.js';
import { inOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import { liveProject } from './live-project.js';

/** Soft-deletes the project: it answers 404 until restored; its key stays taken. */
export async function deleteProject(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids'>,
  access: OrganizationAccess,
  ref: string,
  expectedVersion?: number,
): Promise<void> {
  authorize(access.grant, 'project:delete');
  const organizationId = access.organization.id;
  await inOrganization(deps, access, async (tx) => {
    const project = await liveProject(tx, organizationId, ref);
    const deleted = await tx.projects.softDelete(
      organizationId,
      project.id,
      deps.clock.now(),
      expectedVersion,
    );
    if (!deleted) notFound('project');
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'project.deleted',
      targetType: 'project',
      targetId: project.id,
      about: { projectId: project.id, key: project.key },
      changes: { key: project.key, name: project.name },
    });
  });
}
