// What happened to a task, as typed domain events: plain serialisable data (ids, ISO times, JSON
// diffs), so that an outbox can store them as they are. Nothing stores them yet.
import { creationDiff, taskDiff, type TaskDiff } from './task-diff.js';
import type { Task } from './task.js';

interface TaskEventBase {
  readonly organizationId: string;
  readonly projectId: string;
  readonly taskId: string;
  /** RFC 3339, UTC. */
  readonly occurredAt: string;
}

export interface TaskCreated extends TaskEventBase {
  readonly type: 'TaskCreated';
  readonly changes: TaskDiff;
}
export interface TaskUpdated extends TaskEventBase {
  readonly type: 'TaskUpdated';
  readonly changes: TaskDiff;
}
export interface TaskMoved extends TaskEventBase {
  readonly type: 'TaskMoved';
  readonly fromStatusId: string;
  readonly toStatusId: string;
  readonly position: number;
}
export interface TaskCompleted extends TaskEventBase {
  readonly type: 'TaskCompleted';
  readonly completedAt: string;
}
export interface TaskReopened extends TaskEventBase {
  readonly type: 'TaskReopened';
}
export interface TaskDeleted extends TaskEventBase {
  readonly type: 'TaskDeleted';
}
export interface TaskRestored extends TaskEventBase {
  readonly type: 'TaskRestored';
}

export type TaskEvent =
  TaskCreated | TaskUpdated | TaskMoved | TaskCompleted | TaskReopened | TaskDeleted | TaskRestored;

/** A change as history records it (the row's action and diff) and the events it raises. */
export interface TaskChangeRecord {
  readonly action: 'created' | 'updated' | 'moved' | 'deleted' | 'restored';
  readonly changes: TaskDiff;
  readonly events: readonly TaskEvent[];
}

const base = (task: Task, at: Date): TaskEventBase => ({
  organizationId: task.organizationId,
  projectId: task.projectId,
  taskId: task.id,
  occurredAt: at.toISOString(),
});

/** Entering or leaving `done`: TaskCompleted or TaskReopened (none while it stays either way). */
function completion(before: Task | undefined, after: Task, at: Date): TaskEvent[] {
  const was = before?.completedAt ?? null;
  const is = after.completedAt;
  if (was === null && is !== null) {
    return [{ type: 'TaskCompleted', ...base(after, at), completedAt: is.toISOString() }];
  }
  if (was !== null && is === null) return [{ type: 'TaskReopened', ...base(after, at) }];
  return [];
}

export function creationRecord(task: Task, at: Date): TaskChangeRecord {
  const changes = creationDiff(task);
  return {
    action: 'created',
    changes,
    events: [
      { type: 'TaskCreated', ...base(task, at), changes },
      ...completion(undefined, task, at),
    ],
  };
}

/**
 * An edit (`updated`: PATCH, bulk) or a kanban move (`moved`) of `before` into `after`. An edit
 * raises TaskUpdated when a field changed, and TaskMoved too when its status did; a move raises
 * TaskMoved. Either raises TaskCompleted or TaskReopened on entering or leaving `done`.
 */
export function changeRecord(
  action: 'updated' | 'moved',
  before: Task,
  after: Task,
  at: Date,
): TaskChangeRecord {
  const changes = taskDiff(before, after);
  const events: TaskEvent[] = [];
  if (action === 'updated' && Object.keys(changes).length > 0) {
    events.push({ type: 'TaskUpdated', ...base(after, at), changes });
  }
  if (action === 'moved' || before.statusId !== after.statusId) {
    events.push({
      type: 'TaskMoved',
      ...base(after, at),
      fromStatusId: before.statusId,
      toStatusId: after.statusId,
      position: after.position,
    });
  }
  return { action, changes, events: [...events, ...completion(before, after, at)] };
}

/** A soft delete or a restore: an empty diff, TaskDeleted or TaskRestored. */
export function lifecycleRecord(
  action: 'deleted' | 'restored',
  task: Task,
  at: Date,
): TaskChangeRecord {
  const type = action === 'deleted' ? 'TaskDeleted' : 'TaskRestored';
  return { action, changes: {}, events: [{ type, ...base(task, at) }] };
}
