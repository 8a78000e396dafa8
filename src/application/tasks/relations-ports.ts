// Port of task relations: one row per relation in its forward sense (see domain/tasks/relation.ts).
import type { RelatedTask, StoredRelationType, TaskRelation } from '../../domain/tasks/relation.js';

/**
 * Which other tasks a reader may see (the visibility part of a task list filter): everything,
 * only those it reported (`reporterId`), or those it reported or is assigned (`ownedBy`).
 */
export interface RelationVisibility {
  readonly reporterId?: string | undefined;
  readonly ownedBy?: string | undefined;
}

export interface TaskRelationRepository {
  /**
   * The task's relations from its side, oldest first, leaving out those whose other task is
   * deleted or, under `visibleTo`, not the reader's.
   */
  listFor(
    organizationId: string,
    taskId: string,
    visibleTo?: RelationVisibility,
  ): Promise<RelatedTask[]>;
  find(organizationId: string, id: string): Promise<TaskRelation | undefined>;
  /** A relation of `type` between the two tasks, in either direction. */
  findBetween(
    organizationId: string,
    taskId: string,
    otherTaskId: string,
    type: StoredRelationType,
  ): Promise<TaskRelation | undefined>;
  /** Whether `fromTaskId` blocks `toTaskId`, directly or through other tasks (deleted included). */
  blocksTransitively(
    organizationId: string,
    fromTaskId: string,
    toTaskId: string,
  ): Promise<boolean>;
  /**
   * Serializes, until the transaction ends, the creations that could conflict with one of
   * `type` between the two tasks: every `blocks` creation of the organization (two could close a
   * cycle together), else every creation between the same two tasks.
   */
  lockForCreation(
    organizationId: string,
    type: StoredRelationType,
    taskId: string,
    otherTaskId: string,
  ): Promise<void>;
  /**
   * Serializes, until the transaction ends, the relation creations that involve any of
   * `taskIds`, then counts the relations each takes part in (either side, whatever the other
   * task's state), in the order given.
   */
  countLocked(organizationId: string, taskIds: readonly string[]): Promise<number[]>;
  /** Inserts the relation; ConflictError when the same relation exists. */
  create(relation: TaskRelation): Promise<TaskRelation>;
  /** Removes the relation; false when there was none. */
  delete(organizationId: string, id: string): Promise<boolean>;
}
