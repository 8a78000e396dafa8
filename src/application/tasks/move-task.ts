// Moving a task on the Kanban board: into a column, before or after another task of it.
import { placementOf, planTaskMove } from '../../domain/tasks/task-change.js';
import type { Task } from '../../domain/tasks/task.js';
import { inOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import { applyTaskChanges } from './task-changes.js';
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
  const placement = placementOf(input);
  return inOrganization(deps, access, async (tx) => {
    const { task: before, statuses } = await writableTaskWithWorkflow(
      deps,
      tx,
      access,
      ref,
      expectedVersion,
    );
    const move = { statusId: input.statusId, placement };
    const plan = planTaskMove(before, statuses, move, deps.clock.now());
    return applyTaskChanges(deps, tx, access, before, plan, 'moved');
  });
}
