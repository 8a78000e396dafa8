// Searching tasks: full-text over titles, descriptions and comments, ranked, in keyset pages. A
// caller sees only the tasks it may read (a requester, what it requested).
import { ValidationError } from '../../domain/shared/errors.js';
import type { Task } from '../../domain/tasks/task.js';
import { readInOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import { liveProjectRef } from '../projects/live-project.js';
import { visibilityFilter } from './visibility.js';
import type { TaskSearchCursor, TextRange } from './search-ports.js';

export const SEARCH_QUERY_MAX_LENGTH = 200;

export interface SearchTasksInput {
  readonly q: string;
  /** Only the tasks of this project (id or key). */
  readonly projectRef?: string | undefined;
  readonly limit: number;
  readonly after?: TaskSearchCursor | undefined;
}

export interface TaskSearchResult {
  readonly task: Task;
  readonly rank: number;
  readonly snippet: string;
  readonly highlights: readonly TextRange[];
}

export interface TaskSearchPage {
  readonly items: TaskSearchResult[];
  readonly next: TaskSearchCursor | null;
}

/** The query as searched: trimmed, 1–200 characters. */
export function searchQuery(value: string): string {
  const q = value.trim();
  if (q.length === 0) throw ValidationError.field('q', 'Must not be empty');
  if (q.length > SEARCH_QUERY_MAX_LENGTH) {
    throw ValidationError.field('q', `Must be at most ${SEARCH_QUERY_MAX_LENGTH} characters`);
  }
  return q;
}

export async function searchTasks(
  deps: Pick<Deps, 'uow'>,
  access: OrganizationAccess,
  input: SearchTasksInput,
): Promise<TaskSearchPage> {
  const visibility = visibilityFilter(access);
  const q = searchQuery(input.q);
  const organizationId = access.organization.id;
  const { hits, tasks } = await readInOrganization(deps, access, async (tx) => {
    const projectId =
      input.projectRef === undefined
        ? undefined
        : (await liveProjectRef(tx, organizationId, input.projectRef)).id;
    const hits = await tx.search.search(organizationId, {
      q,
      projectId,
      reporterId: visibility.reporterId,
      ownedBy: visibility.ownedBy,
      limit: input.limit + 1,
      after: input.after,
    });
    const page = hits.slice(0, input.limit);
    const tasks = await tx.tasks.findMany(
      organizationId,
      page.map((hit) => hit.taskId),
    );
    return { hits, tasks };
  });
  const byId = new Map(tasks.map((task) => [task.id, task]));
  const page = hits.slice(0, input.limit);
  const items = page.flatMap((hit) => {
    const task = byId.get(hit.taskId);
    return task ? [{ task, rank: hit.rank, snippet: hit.snippet, highlights: hit.highlights }] : [];
  });
  const last = page.at(-1);
  return {
    items,
    next: hits.length > input.limit && last ? { rank: last.rank, id: last.taskId } : null,
  };
}
