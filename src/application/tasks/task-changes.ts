// Writing a change to a task with what every change leaves: one history row and one audit entry,
// in the transaction that makes it. Shared by PATCH, moves, bulk changes, delete and restore.
import type { Task } from '../../domain/tasks/task.js';
import { recordAudit } from '../access/audit.js';
import type { OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import type { Repositories } from '../shared/unit-of-work.js';
import { recordHistory } from './history.js';
import type { TaskChanges } from './ports.js';

/** The fields of a task as history and audit name them, for diffs. */
function historyView(task: Task): Record<string, unknown> {
  return {
    title: task.title,
    description: task.description,
    type_id: task.typeId,
    status_id: task.statusId,
    priority: task.priority,
    assignee_id: task.assigneeId,
    parent_id: task.parentId,
    labels: task.labels.join(','),
    due_at: task.dueAt?.toISOString() ?? null,
    estimate_hours: task.estimateHours,
    actual_hours: task.actualHours,
    position: task.position,
    completed_at: task.completedAt?.toISOString() ?? null,
  };
}

/** `{field: {from, to}}` for every field that differs (labels as lists). */
export function taskChanges(
  before: Task,
  after: Task,
): Record<string, { from: unknown; to: unknown }> {
  const from = historyView(before);
  const to = historyView(after);
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const field of Object.keys(to)) {
    if (from[field] === to[field]) continue;
    changes[field] =
      field === 'labels'
        ? { from: [...before.labels], to: [...after.labels] }
        : { from: from[field], to: to[field] };
  }
  return changes;
}

/**
 * Writes `changes` to the locked task `before` (already checked by writableTask), with one history
 * row and one audit entry when something changed. Shared by PATCH, moves and bulk changes.
 */
export async function applyTaskChanges(
  deps: Pick<Deps, 'clock' | 'ids'>,
  tx: Repositories,
  access: OrganizationAccess,
  before: Task,
  changes: TaskChanges,
  action: 'updated' | 'moved',
): Promise<Task> {
  const after = await tx.tasks.update(access.organization.id, before.id, changes, deps.clock.now());
  const diff = taskChanges(before, after);
  await recordHistory(deps, tx, access, after, action, diff);
  await recordAudit(deps, tx, access.principal, access.organization.id, {
    action: `task.${action}`,
    targetType: 'task',
    targetId: after.id,
    changes: diff,
  });
  return after;
}

/** The history row and audit entry of a delete or a restore. */
export async function recordLifecycle(
  deps: Pick<Deps, 'clock' | 'ids'>,
  tx: Repositories,
  access: OrganizationAccess,
  task: Task,
  action: 'deleted' | 'restored',
): Promise<void> {
  await recordHistory(deps, tx, access, task, action, {});
  await recordAudit(deps, tx, access.principal, access.organization.id, {
    action: `task.${action}`,
    targetType: 'task',
    targetId: task.id,
    changes: { key: task.key, title: task.title },
  });
}
