// Port of task watchers: the people told about a task's changes. Every call runs inside a unit of
// work scoped to the organization (row-level security).

/** A watcher as lists show it: the user, and since when. */
export interface TaskWatcher {
  readonly taskId: string;
  readonly userId: string;
  readonly name: string;
  readonly addedAt: Date;
}

/** Where a page ends: the last watcher's time of adding and user id. */
export interface WatcherCursor {
  readonly addedAt: Date;
  readonly userId: string;
}

export interface TaskWatcherRepository {
  /**
   * The task's watchers who are still members of the organization, in the order they were added
   * (then by user id), after the cursor.
   */
  list(
    organizationId: string,
    taskId: string,
    page: { readonly limit: number; readonly after?: WatcherCursor | undefined },
  ): Promise<TaskWatcher[]>;
  /** The watcher, if that member watches the task. */
  find(organizationId: string, taskId: string, userId: string): Promise<TaskWatcher | undefined>;
  /** Adds the user to the task's watchers; false when it already watched (nothing written). */
  add(organizationId: string, taskId: string, userId: string, now: Date): Promise<boolean>;
  /** Whether the user watched the task (and no longer does). */
  remove(organizationId: string, taskId: string, userId: string): Promise<boolean>;
  /** Every watcher's user id, members or not (who to notify is decided by the caller). */
  userIds(organizationId: string, taskId: string): Promise<string[]>;
}
