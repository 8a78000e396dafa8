// Removing a task type from a project; its tasks lose their type.
import { authorize } from '../../domain/access/authorize.js';
import { actorIdOf } from '../../domain/identity/principal.js';
import { notFound } from '../../domain/shared/errors.js';
import { recordAudit } from '../access/audit.js';
import { inOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import { liveProject } from './live-project.js';

export async function deleteTaskType(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids'>,
  access: OrganizationAccess,
  projectRef: string,
  typeId: string,
): Promise<void> {
  authorize(access.grant, 'project:update');
  const organizationId = access.organization.id;
  await inOrganization(deps, access, async (tx) => {
    const project = await liveProject(tx, organizationId, projectRef);
    const type =
      (await tx.projects.taskTypes.find(organizationId, project.id, typeId)) ??
      notFound('task type');
    // The foreign key clears the type of its tasks; each of them records losing it first.
    const tasks = await tx.tasks.history.recordDetach(
      organizationId,
      { typeId: type.id },
      actorIdOf(access.principal),
      deps.clock.now(),
    );
    if (!(await tx.projects.taskTypes.delete(organizationId, project.id, type.id))) {
      notFound('task type');
    }
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'task_type.deleted',
      targetType: 'task_type',
      targetId: type.id,
      about: { projectId: project.id, key: project.key },
      changes: { project_id: project.id, name: type.name, tasks },
    });
  });
}
