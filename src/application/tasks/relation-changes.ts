// What a change to task relations records: a history row on both tasks and one audit entry, in
// the transaction that makes it.
import { relationSeenFrom, type TaskRelation } from '../../domain/tasks/relation.js';
import type { Task } from '../../domain/tasks/task.js';
import { aboutTask, recordAudit } from '../access/audit.js';
import type { OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import type { Repositories } from '../shared/unit-of-work.js';
import { recordHistory } from './history.js';

export type RelationDeps = Pick<Deps, 'uow' | 'clock' | 'ids'>;

/** A history row on each task (the relation from its side) and one audit entry. */
export async function recordChange(
  deps: Pick<Deps, 'clock' | 'ids'>,
  tx: Repositories,
  access: OrganizationAccess,
  relation: TaskRelation,
  pathTask: Task,
  action: 'relation_added' | 'relation_removed',
): Promise<void> {
  for (const taskId of [relation.sourceTaskId, relation.targetTaskId]) {
    const seen = relationSeenFrom(relation, taskId);
    if (!seen) continue;
    await recordHistory(deps, tx, access, { id: taskId }, action, {
      type: seen.type,
      task_id: seen.otherTaskId,
    });
  }
  const seen = relationSeenFrom(relation, pathTask.id);
  await recordAudit(deps, tx, access.principal, access.organization.id, {
    action: `task.${action}`,
    targetType: 'task',
    targetId: pathTask.id,
    about: aboutTask(pathTask),
    changes: { relation_id: relation.id, type: seen?.type, task_id: seen?.otherTaskId },
  });
}
