// Adding a task type to a project.
import { authorize } from '../../domain/access/authorize.js';
import {
  assertRoomForTaskType,
  taskTypeName,
  type TaskType,
} from '../../domain/projects/task-type.js';
import { recordAudit } from '../access/audit.js';
import { inOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import { liveProject } from './live-project.js';

/**
 * Adds a task type; ConflictError when the project has one of this name, whatever its case, or
 * holds the most task types it may.
 */
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
    assertRoomForTaskType(await tx.projects.taskTypes.countLocked(organizationId, project.id));
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
      about: { projectId: project.id, key: project.key },
      changes: { project_id: project.id, name },
    });
    return type;
  });
}
