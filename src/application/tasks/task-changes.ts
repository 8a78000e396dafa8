// Writing a change to a task with what every change leaves: one history row and one audit entry,
// in the transaction that makes it. What the change does (fields, completed_at, placement) is the
// domain's plan; what it records (diff, events) the domain's record of the task before and after.
import type { TaskChangePlan, Placement } from '../../domain/tasks/task-change.js';
import {
  changeRecord,
  lifecycleRecord,
  type TaskChangeRecord,
} from '../../domain/tasks/task-events.js';
import type { Task } from '../../domain/tasks/task.js';
import { aboutTask, recordAudit } from '../access/audit.js';
import type { OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import type { Repositories } from '../shared/unit-of-work.js';
import { recordHistory } from './history.js';
import type { TaskChanges } from './ports.js';

/** The position to write for a placement: none (kept), the column's bottom, or next to a task. */
async function positionOf(
  tx: Repositories,
  organizationId: string,
  task: Task,
  statusId: string,
  placement: Placement,
): Promise<TaskChanges['position']> {
  switch (placement.kind) {
    case 'keep':
      return undefined;
    case 'bottom':
      return 'bottom';
    case 'before':
      return tx.tasks.positionFor(organizationId, task.projectId, task.id, {
        statusId,
        beforeId: placement.taskId,
      });
    case 'after':
      return tx.tasks.positionFor(organizationId, task.projectId, task.id, {
        statusId,
        afterId: placement.taskId,
      });
  }
}

/**
 * Writes the planned change to the locked task `before` (already checked by writableTask), with
 * one history row and one audit entry. Shared by PATCH, moves and bulk changes.
 */
export async function applyTaskChanges(
  deps: Pick<Deps, 'clock' | 'ids'>,
  tx: Repositories,
  access: OrganizationAccess,
  before: Task,
  plan: TaskChangePlan,
  action: 'updated' | 'moved',
): Promise<Task> {
  const organizationId = access.organization.id;
  const statusId = plan.fields.statusId ?? before.statusId;
  const position = await positionOf(tx, organizationId, before, statusId, plan.placement);
  const changes: TaskChanges = { ...plan.fields, ...(position !== undefined && { position }) };
  const now = deps.clock.now();
  const after = await tx.tasks.update(organizationId, before.id, changes, now);
  await recordChange(deps, tx, access, after, changeRecord(action, before, after, now));
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
  const record = lifecycleRecord(action, task, deps.clock.now());
  await recordChange(deps, tx, access, task, record, { key: task.key, title: task.title });
}

/**
 * The history row of a change (its action and diff) and its audit entry (the diff, unless the
 * action's audit names the task otherwise), which stores the write's event beside it.
 */
export async function recordChange(
  deps: Pick<Deps, 'clock' | 'ids'>,
  tx: Repositories,
  access: OrganizationAccess,
  task: Task,
  record: TaskChangeRecord,
  audited: Readonly<Record<string, unknown>> = record.changes,
): Promise<void> {
  await recordHistory(deps, tx, access, task, record.action, record.changes);
  await recordAudit(deps, tx, access.principal, access.organization.id, {
    action: `task.${record.action}`,
    targetType: 'task',
    targetId: task.id,
    changes: audited,
    about: aboutTask(task),
  });
}
