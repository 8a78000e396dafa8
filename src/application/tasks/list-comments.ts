// Listing a task's comments in pages.
import type { TaskComment } from '../../domain/tasks/comment.js';
import { readInOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import type { CommentCursor } from './comments-ports.js';
import { visibleTask } from './visibility.js';
import { pageOf } from '../shared/page.js';

export interface CommentPage {
  readonly items: TaskComment[];
  /** Where the next page starts; null on the last page. */
  readonly next: CommentCursor | null;
}

/** A page of the task's comments, oldest first. */
export async function listComments(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
  taskRef: string,
  page: { readonly limit: number; readonly after?: CommentCursor | undefined },
): Promise<CommentPage> {
  return readInOrganization(deps, access, async (tx) => {
    const task = await visibleTask(tx, access, taskRef);
    const rows = await tx.tasks.comments.list(access.organization.id, task.id, {
      limit: page.limit + 1,
      after: page.after,
    });
    return pageOf(rows, page.limit, (last) => ({ createdAt: last.createdAt, id: last.id }));
  });
}
