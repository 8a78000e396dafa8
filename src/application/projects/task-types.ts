// Use cases of a project's task types: list, add, remove.
import { authorize } from '../../domain/access/authorize.js';
import { actorIdOf } from '../../domain/identity/principal.js';
import { taskTypeName, type TaskType } from '../../domain/projects/task-type.js';
import { notFound } from '../../domain/shared/errors.js';
import { recordAudit } from '../access/audit.js';
import { inOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import { liveProject } from './projects.js';

export async function listTaskTypes(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
  projectRef: string,
): Promise<TaskType[]> {
  authorize(access.grant, 'project:read');
  const organizationId = access.organization.id;
  return inOrganization(deps, access, async (tx) => {
    const project = await liveProject(tx, organizationId, projectRef);
    return tx.projects.taskTypes.list(organizationId, project.id);
  });
}

/** Adds a task type; ConflictError when the project has one of this name, whatever its case. */
export async function createTaskType(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids'>,
  access: OrganizationAccess,
  projectRef: string,
  input: { readonly name: string },
): Promise<TaskType> {
  authorize(access.grant, 'project:update');
  const name = taskTypeName(input.name);
  const organizationId = access.organization.id;
  return inOrganization(deps, access, async (tx) => {
    const project = await liveProject(tx, organizationId, projectRef);
    const type = await tx.projects.taskTypes.create({
      id: deps.ids.next(),
      organizationId,
      projectId: project.id,
      name,
      now: deps.clock.now(),
    });
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'task_type.created',
      targetType: 'task_type',
      targetId: type.id,
      changes: { project_id: project.id, name },
    });
    return type;
  });
}

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
      changes: { project_id: project.id, name: type.name, tasks },
    });
  });
}
