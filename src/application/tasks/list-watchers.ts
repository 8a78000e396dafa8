// Listing a task's watchers in pages.
import { readInOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import { visibleTask } from './visibility.js';
import type { TaskWatcher, WatcherCursor } from './watchers-ports.js';
import { pageOf } from '../shared/page.js';

export interface WatcherPage {
  readonly items: TaskWatcher[];
  /** Where the next page starts; null on the last page. */
  readonly next: WatcherCursor | null;
}

/** A page of the task's watchers, in the order they were added. */
export async function listWatchers(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
  taskRef: string,
  page: { readonly limit: number; readonly after?: WatcherCursor | undefined },
): Promise<WatcherPage> {
  return readInOrganization(deps, access, async (tx) => {
    const task = await visibleTask(tx, access, taskRef);
    const rows = await tx.tasks.watchers.list(access.organization.id, task.id, {
      limit: page.limit + 1,
      after: page.after,
    });
    return pageOf(rows, page.limit, (last) => ({ addedAt: last.addedAt, userId: last.userId }));
  });
}
