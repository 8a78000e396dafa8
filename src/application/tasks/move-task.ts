// Moving a task on the Kanban board: into a column, before or after another task of it.
import { isUuid } from '../../domain/shared/id.js';
import { placementOf, planTaskMove, type Placement } from '../../domain/tasks/task-change.js';
import type { Task } from '../../domain/tasks/task.js';
import { inOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import type { Repositories } from '../shared/unit-of-work.js';
import { taskIdOf } from './named-references.js';
import { applyTaskChanges } from './task-changes.js';
import { writableTaskWithWorkflow } from './write-access.js';

type TaskDeps = Pick<Deps, 'uow' | 'clock' | 'ids'>;

export interface MoveTaskInput {
  /** The target column: a status of the task's project, by id or name. */
  readonly statusId: string;
  /** A task of that column, by id or key. */
  readonly beforeId?: string | undefined;
  /** A task of that column, by id or key. */
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
    const move = { statusId: input.statusId, placement: await byId(tx, access, placement) };
    const plan = planTaskMove(before, statuses, move, deps.clock.now());
    return applyTaskChanges(deps, tx, access, before, plan, 'moved');
  });
}

/** The placement with its neighbour named by id: a key is looked up (a UUID costs nothing). */
async function byId(
  tx: Pick<Repositories, 'tasks'>,
  access: OrganizationAccess,
  placement: Placement,
): Promise<Placement> {
  if (placement.kind !== 'before' && placement.kind !== 'after') return placement;
  if (isUuid(placement.taskId)) return placement;
  const field = `${placement.kind}_id`;
  const taskId = await taskIdOf(tx, access.organization.id, placement.taskId, field);
  return { ...placement, taskId };
}
