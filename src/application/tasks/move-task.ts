// Moving a task on the Kanban board: into a column, before or after another task of it.
import { ValidationError } from '../../domain/shared/errors.js';
import { completedAtAfter, type Task } from '../../domain/tasks/task.js';
import { inOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import { applyTaskChanges } from './task-changes.js';
import { statusOf, validationFailure } from './task-references.js';
import { writableTaskWithWorkflow } from './write-access.js';

type TaskDeps = Pick<Deps, 'uow' | 'clock' | 'ids'>;

export interface MoveTaskInput {
  readonly statusId: string;
  readonly beforeId?: string | undefined;
  readonly afterId?: string | undefined;
}

/**
 * Kanban move: into a column of the project, before or after a task of that column (or at its
 * bottom), in one transaction writing the task's row only (unless the column must be renumbered).
 */
export async function moveTask(
  deps: TaskDeps,
  access: OrganizationAccess,
  ref: string,
  input: MoveTaskInput,
  expectedVersion?: number,
): Promise<Task> {
  if (input.beforeId !== undefined && input.afterId !== undefined) {
    throw ValidationError.field('before_id', 'Give before_id or after_id, not both');
  }
  const organizationId = access.organization.id;
  return inOrganization(deps, access, async (tx) => {
    const { task: before, statuses } = await writableTaskWithWorkflow(
      deps,
      tx,
      access,
      ref,
      expectedVersion,
    );
    const status =
      statusOf(statuses, input.statusId) ??
      validationFailure('status_id', 'Not a status of the task’s project');
    const anchored = input.beforeId !== undefined || input.afterId !== undefined;
    const position = anchored
      ? await tx.tasks.positionFor(organizationId, before.projectId, before.id, {
          statusId: status.id,
          beforeId: input.beforeId,
          afterId: input.afterId,
        })
      : 'bottom';
    return applyTaskChanges(
      deps,
      tx,
      access,
      before,
      {
        statusId: status.id,
        position,
        completedAt: completedAtAfter(before.completedAt, status.category, deps.clock.now()),
      },
      'moved',
    );
  });
}
