// Reading the history of a task.
import { readInOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import { pageOf } from '../shared/page.js';
import type { HistoryCursor, TaskHistoryEntry } from './ports.js';
import { visibleTask } from './visibility.js';

export interface HistoryPage {
  readonly items: TaskHistoryEntry[];
  readonly nextCursor: HistoryCursor | null;
}

/** The task's history, newest first. */
export async function taskHistory(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
  ref: string,
  page: { readonly limit: number; readonly after?: HistoryCursor | undefined },
): Promise<HistoryPage> {
  return readInOrganization(deps, access, async (tx) => {
    const task = await visibleTask(tx, access, ref);
    const rows = await tx.tasks.history.list(access.organization.id, task.id, {
      limit: page.limit + 1,
      after: page.after,
    });
    const { items, next } = pageOf(rows, page.limit, (last) => ({ at: last.at, id: last.id }));
    return { items, nextCursor: next };
  });
}
