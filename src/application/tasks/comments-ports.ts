// Port of task comments. Every call runs inside a unit of work scoped to the organization
// (row-level security); the caller has already checked that the task is visible.
import type { TaskComment } from '../../domain/tasks/comment.js';

export interface NewTaskComment {
  readonly id: string;
  readonly organizationId: string;
  readonly taskId: string;
  readonly authorId: string;
  readonly body: string;
  readonly now: Date;
}

/** Where a page ends: the last comment's creation time and id. */
export interface CommentCursor {
  readonly createdAt: Date;
  readonly id: string;
}

export interface TaskCommentRepository {
  /** The task's comments, oldest first (then by id), after the cursor. */
  list(
    organizationId: string,
    taskId: string,
    page: { readonly limit: number; readonly after?: CommentCursor | undefined },
  ): Promise<TaskComment[]>;
  /**
   * The comment of that task; what is not a comment id of it finds nothing. `forUpdate` locks
   * the row until the transaction ends.
   */
  find(
    organizationId: string,
    taskId: string,
    id: string,
    options?: { readonly forUpdate?: boolean },
  ): Promise<TaskComment | undefined>;
  create(comment: NewTaskComment): Promise<TaskComment>;
  /** Writes the new body and bumps the version (the caller has locked and checked the row). */
  update(organizationId: string, id: string, body: string, now: Date): Promise<TaskComment>;
  /** Whether there was such a comment to delete. */
  delete(organizationId: string, id: string): Promise<boolean>;
}
