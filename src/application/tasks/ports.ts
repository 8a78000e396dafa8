// Ports of the tasks area: tasks, and what hangs on them (history, comments, watchers, relations).
import type { StatusCategory, WorkflowStatus } from '../../domain/projects/workflow.js';
import type { Priority, Task } from '../../domain/tasks/task.js';
import type { TaskCommentRepository } from './comments-ports.js';
import type { TaskRelationRepository } from './relations-ports.js';
import type { TaskWatcherRepository } from './watchers-ports.js';

export interface NewTask {
  readonly id: string;
  readonly organizationId: string;
  readonly projectId: string;
  readonly title: string;
  readonly description: string;
  readonly typeId: string | null;
  readonly statusId: string;
  readonly priority: Priority;
  readonly assigneeId: string | null;
  readonly reporterId: string;
  readonly parentId: string | null;
  readonly labels: readonly string[];
  readonly dueAt: Date | null;
  readonly estimateHours: number | null;
  readonly completedAt: Date | null;
  readonly now: Date;
}

/** Fields a write may set; absent means unchanged, null clears. */
export interface TaskChanges {
  readonly title?: string;
  readonly description?: string;
  readonly typeId?: string | null;
  readonly statusId?: string;
  readonly priority?: Priority;
  readonly assigneeId?: string | null;
  readonly parentId?: string | null;
  readonly dueAt?: Date | null;
  readonly estimateHours?: number | null;
  readonly actualHours?: number | null;
  readonly completedAt?: Date | null;
  /** The whole new label set. */
  readonly labels?: readonly string[];
  /**
   * Set together with statusId by moves (and when a status change sends a task to a column):
   * a place from positionFor, or `'bottom'`: below the other live tasks of the column (the new
   * status's, or the task's own), the column's lock taken as the write runs and held until the
   * transaction ends.
   */
  readonly position?: number | 'bottom';
}

export type TaskSort = 'created_at' | '-created_at' | 'due_at' | 'priority' | 'position';

/** Where a page ends: the sort key of its last task, and its id. */
export interface TaskCursor {
  readonly sort: TaskSort;
  /** The sort value of the last task (ISO time, number, or null for a null due date). */
  readonly value: string | number | null;
  readonly id: string;
}

export interface TaskFilter {
  readonly projectId?: string | undefined;
  readonly statusId?: string | undefined;
  /** Any of these statuses (a status name across projects names one per project). */
  readonly statusIds?: readonly string[] | undefined;
  readonly statusCategory?: StatusCategory | undefined;
  readonly assigneeId?: string | undefined;
  readonly priority?: Priority | undefined;
  readonly labelId?: string | undefined;
  readonly typeId?: string | undefined;
  readonly dueBefore?: Date | undefined;
  readonly dueAfter?: Date | undefined;
  readonly parentId?: string | undefined;
  /** Words to match in title and description (full-text). */
  readonly q?: string | undefined;
  /** Only tasks reported (requested) by this actor: the requester's view. */
  readonly reporterId?: string | undefined;
  /** Only tasks reported by or assigned to this actor (`task:read:own` of other roles). */
  readonly ownedBy?: string | undefined;
}

export interface TaskListQuery {
  readonly filter: TaskFilter;
  readonly sort: TaskSort;
  readonly limit: number;
  readonly after?: TaskCursor | undefined;
}

declare const rendered: unique symbol;

/**
 * A task rendered ahead by the store that read it, in the form its reader writes out as it is:
 * opaque to the application, which only carries it from the repository to the reader.
 */
export type RenderedTask = string & { readonly [rendered]: true };

/** A task of a list page: its rendering, and the fields its page's cursor is made of. */
export interface TaskListItem {
  readonly rendered: RenderedTask;
  readonly id: string;
  /** RFC 3339, milliseconds, UTC. */
  readonly createdAt: string;
  readonly dueAt: string | null;
  readonly priority: Priority;
  readonly position: number;
}

/** Where a task goes in a column: before or after a neighbour, or (neither) at the bottom. */
export interface TaskPlacement {
  readonly statusId: string;
  readonly beforeId?: string | undefined;
  readonly afterId?: string | undefined;
}

/** All the public status lookup shows of a task: nothing internal (no ids, people or text). */
export interface PublicTaskStatus {
  readonly trackingCode: string;
  readonly title: string;
  readonly status: string;
  readonly statusCategory: StatusCategory;
  readonly updatedAt: Date;
}

export interface TaskRepository {
  /**
   * By id or key (`RE-42`); what is neither finds nothing. Deleted tasks only with
   * `includeDeleted`. `forUpdate` locks the row until the transaction ends (FOR NO KEY UPDATE:
   * rows that reference it, relations and subtasks, can still be written meanwhile).
   */
  find(
    organizationId: string,
    ref: string,
    options?: { readonly includeDeleted?: boolean; readonly forUpdate?: boolean },
  ): Promise<Task | undefined>;
  /**
   * What find answers, and the workflow of the task's project in order, in one read: for a write
   * that may change the task's status.
   */
  findWithWorkflow(
    organizationId: string,
    ref: string,
    options?: { readonly includeDeleted?: boolean; readonly forUpdate?: boolean },
  ): Promise<{ readonly task: Task; readonly statuses: readonly WorkflowStatus[] } | undefined>;
  /** Tasks by id (live only), in no particular order; `forUpdate` locks them. */
  findMany(
    organizationId: string,
    ids: readonly string[],
    options?: { readonly forUpdate?: boolean },
  ): Promise<Task[]>;
  /**
   * The ids of the tasks that `keys` name (`RE-42`, any case; deleted tasks too, not those of a
   * deleted project), by key as given. A key that names no task, or is no key, is absent.
   */
  idsByKey(organizationId: string, keys: readonly string[]): Promise<ReadonlyMap<string, string>>;
  /**
   * Inserts the task with the next number of its project (gapless: the project row serializes
   * concurrent creations) at the bottom of its column, with its labels.
   */
  create(task: NewTask): Promise<Task>;
  /**
   * Gives every task of the project that has no tracking code one (the project has just turned
   * public_lookup on); answers how many. Codes kept from an earlier time stay.
   */
  issueTrackingCodes(organizationId: string, projectId: string): Promise<number>;
  /** A new tracking code for the task (the old one answers nothing any more); bumps the version. */
  regenerateTrackingCode(organizationId: string, id: string, now: Date): Promise<Task>;
  /**
   * What the public lookup shows of the task `code` names, in any organization: undefined alike
   * for an unknown code, a revoked one, one of a private project and one of a deleted task.
   */
  publicStatus(code: string): Promise<PublicTaskStatus | undefined>;
  /** Writes the changes and bumps the version (the caller has locked and checked the row). */
  update(organizationId: string, id: string, changes: TaskChanges, now: Date): Promise<Task>;
  /**
   * The position the task takes in the placement's column (renumbering the column first when the
   * neighbours leave no room). Holds the column's lock until the transaction ends. Throws
   * ValidationError when the neighbour is not a live task of that column. (For the bottom of a
   * column, a write of position `'bottom'` saves the read.)
   */
  positionFor(
    organizationId: string,
    projectId: string,
    taskId: string,
    placement: TaskPlacement,
  ): Promise<number>;
  setDeleted(organizationId: string, id: string, deletedAt: Date | null, now: Date): Promise<Task>;
  /**
   * Serializes changes to the project's task tree until the transaction ends, so that two
   * concurrent parent changes cannot together form a cycle or a tree too deep.
   */
  lockTree(organizationId: string, projectId: string): Promise<void>;
  /** The would-be parent and its ancestors, nearest first (ids). */
  ancestry(organizationId: string, parentId: string): Promise<string[]>;
  /** Levels spanned by the task and its descendants (1 for a task without children). */
  subtreeHeight(organizationId: string, taskId: string): Promise<number>;
  /** Tasks matching the filter in the sort order, after the cursor. */
  list(organizationId: string, query: TaskListQuery): Promise<Task[]>;
  /** The same page as `list`, each task rendered by the store (see TaskListItem). */
  listItems(organizationId: string, query: TaskListQuery): Promise<TaskListItem[]>;
  readonly history: TaskHistoryRepository;
  readonly comments: TaskCommentRepository;
  readonly watchers: TaskWatcherRepository;
  readonly relations: TaskRelationRepository;
}

export interface TaskHistoryEntry {
  readonly id: string;
  readonly organizationId: string;
  readonly taskId: string;
  readonly actorId: string;
  /** `created`, `updated`, `moved`, `deleted`, `restored`, `commented`, … */
  readonly action: string;
  /** `{ field: { from, to } }` */
  readonly changes: Readonly<Record<string, unknown>>;
  readonly at: Date;
}

export interface HistoryCursor {
  readonly at: Date;
  readonly id: string;
}

export interface TaskHistoryRepository {
  append(entries: readonly TaskHistoryEntry[]): Promise<void>;
  /**
   * Before a label or task type is deleted (which takes it off its tasks through the foreign
   * keys): bumps the version of every live task carrying it and records one `updated` row each
   * (`labels` or `type_id` from/to). Answers how many tasks it touched.
   */
  recordDetach(
    organizationId: string,
    detached: { readonly labelId: string } | { readonly typeId: string },
    actorId: string,
    at: Date,
  ): Promise<number>;
  /** Newest first, after the cursor. */
  list(
    organizationId: string,
    taskId: string,
    page: { readonly limit: number; readonly after?: HistoryCursor | undefined },
  ): Promise<TaskHistoryEntry[]>;
}
