// Renaming a project's task type (a seeded Bug, Task or Story like any other).
import { authorize } from '../../domain/access/authorize.js';
import { taskTypeName, type TaskType } from '../../domain/projects/task-type.js';
import { notFound, PreconditionFailedError } from '../../domain/shared/errors.js';
import { recordAudit } from '../access/audit.js';
import { inOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import { liveProject } from './live-project.js';

export interface RenameTaskTypeInput {
  readonly name: string;
  /** If-Match: the version the caller saw; another one is a PreconditionFailedError (412). */
  readonly expectedVersion?: number | undefined;
}

/**
 * Renames a task type and bumps its version; its tasks keep it (they name it by id). ConflictError
 * when the project has another type of this name, whatever its case. Renaming to the same name is
 * no change: nothing written or audited.
 */
export async function renameTaskType(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids'>,
  access: OrganizationAccess,
  projectRef: string,
  typeId: string,
  input: RenameTaskTypeInput,
): Promise<TaskType> {
  authorize(access.grant, 'project:update');
  const name = taskTypeName(input.name);
  const organizationId = access.organization.id;
  return inOrganization(deps, access, async (tx) => {
    const project = await liveProject(tx, organizationId, projectRef);
    const types = tx.projects.taskTypes;
    const before = (await types.find(organizationId, project.id, typeId)) ?? notFound('task type');
    if (before.name === name) {
      if (input.expectedVersion !== undefined && before.version !== input.expectedVersion) {
        throw new PreconditionFailedError();
      }
      return before;
    }
    // The version is checked by the UPDATE itself: of two writers that saw the same version, the
    // second matches no row once the first has committed (412).
    const after =
      (await types.rename(organizationId, project.id, before.id, name, input.expectedVersion)) ??
      notFound('task type');
    await recordAudit(deps, tx, access.principal, organizationId, {
      action: 'task_type.updated',
      targetType: 'task_type',
      targetId: before.id,
      changes: { project_id: project.id, name: { from: before.name, to: name } },
    });
    return after;
  });
}
