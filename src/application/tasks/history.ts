// The history row each change to a task leaves.
import { actorIdOf } from '../../domain/identity/principal.js';
import type { Task } from '../../domain/tasks/task.js';
import type { OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import type { Repositories } from '../shared/unit-of-work.js';

/** Appends one history row for a change to `task` by the caller. */
export async function recordHistory(
  deps: Pick<Deps, 'ids' | 'clock'>,
  tx: Pick<Repositories, 'tasks'>,
  access: OrganizationAccess,
  task: Pick<Task, 'id'>,
  action: string,
  changes: Readonly<Record<string, unknown>>,
): Promise<void> {
  await tx.tasks.history.append([
    {
      id: deps.ids.next(),
      organizationId: access.organization.id,
      taskId: task.id,
      actorId: actorIdOf(access.principal),
      action,
      changes,
      at: deps.clock.now(),
    },
  ]);
}
