// A task: one piece of work in a project, in one workflow status, known by id or key (RE-42).
import type { OwnedResource } from '../access/authorize.js';
import type { StatusCategory } from '../projects/workflow.js';
import { ValidationError } from '../shared/errors.js';

export const PRIORITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const DEFAULT_PRIORITY: Priority = 'medium';

export interface Task {
  readonly id: string;
  readonly organizationId: string;
  readonly projectId: string;
  /** `RE-42`: the project key, a hyphen, the task number. */
  readonly key: string;
  readonly number: number;
  readonly title: string;
  readonly description: string;
  readonly typeId: string | null;
  /** The type's name, when the task has one. */
  readonly type: string | null;
  readonly statusId: string;
  readonly statusCategory: StatusCategory;
  readonly priority: Priority;
  readonly assigneeId: string | null;
  /** Who created it (a user or an API key); for a requester, who requested it. */
  readonly reporterId: string;
  readonly parentId: string | null;
  /** Label ids, sorted. */
  readonly labels: readonly string[];
  readonly dueAt: Date | null;
  readonly estimateHours: number | null;
  readonly actualHours: number | null;
  /** Order within its status column (ascending). */
  readonly position: number;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly completedAt: Date | null;
  readonly deletedAt: Date | null;
  /**
   * The code of the public status lookup (`RE-7K2M9QX4PA`) while its project has public_lookup;
   * null otherwise.
   */
  readonly trackingCode: string | null;
}

export const TASK_TITLE_MAX_LENGTH = 500;
export const TASK_DESCRIPTION_MAX_LENGTH = 50_000;
export const MAX_HOURS = 100_000;
/** A task and its ancestors: at most this many levels (a top-level task is level 1). */
export const MAX_TASK_DEPTH = 5;
export const MAX_LABELS_PER_TASK = 50;

/** Who "owns" a task for `:own` permissions: its reporter (creator / requester) and assignee. */
export function ownershipOf(task: Pick<Task, 'reporterId' | 'assigneeId'>): OwnedResource {
  return { createdBy: task.reporterId, assigneeId: task.assigneeId, requestedBy: task.reporterId };
}

/** Lengths count characters (code points), as the table's char_length checks do. */
const lengthOf = (text: string) => [...text].length;

export function taskTitle(value: string, field = 'title'): string {
  const title = value.trim();
  if (title.length === 0) throw ValidationError.field(field, 'Must not be empty');
  if (lengthOf(title) > TASK_TITLE_MAX_LENGTH) {
    throw ValidationError.field(field, `Must be at most ${TASK_TITLE_MAX_LENGTH} characters`);
  }
  return title;
}

export function taskDescription(value: string, field = 'description'): string {
  if (lengthOf(value) > TASK_DESCRIPTION_MAX_LENGTH) {
    throw ValidationError.field(field, `Must be at most ${TASK_DESCRIPTION_MAX_LENGTH} characters`);
  }
  return value;
}

export function hours(value: number | null, field: string): number | null {
  if (value === null) return null;
  if (!Number.isFinite(value) || value < 0 || value > MAX_HOURS) {
    throw ValidationError.field(field, `Must be between 0 and ${MAX_HOURS}`);
  }
  return value;
}

/** A new task may not be due in the past (a minute of clock skew is forgiven). */
export function assertDueAtOnCreate(dueAt: Date | null, now: Date): void {
  if (dueAt !== null && dueAt.getTime() < now.getTime() - 60_000) {
    throw ValidationError.field('due_at', 'Must not be in the past');
  }
}

/**
 * `completed_at` follows the status category: set when a task enters `done` (kept while it moves
 * between done statuses), cleared when it leaves.
 */
export function completedAtAfter(
  current: Date | null,
  category: StatusCategory,
  now: Date,
): Date | null {
  if (category !== 'done') return null;
  return current ?? now;
}

/** `RE-42` → { projectKey: 'RE', number: 42 }; anything else → undefined. */
export function parseTaskKey(ref: string): { projectKey: string; number: number } | undefined {
  const match = /^([A-Z]{2,10})-([1-9][0-9]{0,8})$/.exec(ref);
  if (!match?.[1] || !match[2]) return undefined;
  return { projectKey: match[1], number: Number(match[2]) };
}

export const taskKey = (projectKey: string, number: number) => `${projectKey}-${number}`;

/**
 * The parent rule: `ancestry` lists the would-be parent and its ancestors, nearest first (ids),
 * and `subtreeHeight` is how many levels the moved task and its descendants span (1 for a leaf).
 * Refuses a cycle (the task among its own ancestors) and a tree deeper than MAX_TASK_DEPTH.
 */
export function assertParentAllowed(
  taskId: string | undefined,
  ancestry: readonly string[],
  subtreeHeight = 1,
): void {
  if (taskId !== undefined && ancestry.includes(taskId)) {
    throw ValidationError.field('parent_id', 'A task cannot be its own ancestor');
  }
  if (ancestry.length + subtreeHeight > MAX_TASK_DEPTH) {
    throw ValidationError.field(
      'parent_id',
      `Subtasks may nest at most ${MAX_TASK_DEPTH} levels deep`,
    );
  }
}
