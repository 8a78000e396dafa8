// Listing tasks: of one project or across the organization, filtered, sorted, in keyset pages that
// stay correct under concurrent inserts. Callers who may read only their own tasks see only those.
import { projectKeyOf } from '../../domain/projects/project.js';
import { notFound, ValidationError } from '../../domain/shared/errors.js';
import { isUuid } from '../../domain/shared/id.js';
import { readInOrganization, type OrganizationAccess } from '../access/resolve-access.js';
import type { Deps } from '../deps.js';
import { liveProjectRef } from '../projects/live-project.js';
import { cached } from '../shared/cached.js';
import type { Repositories } from '../shared/unit-of-work.js';
import { labelIdsOf, statusIdsOf, taskIdOf } from './named-references.js';
import { visibilityFilter } from './visibility.js';
import type { TaskCursor, TaskFilter, TaskListItem, TaskSort } from './ports.js';
import { pageOf } from '../shared/page.js';

export interface ListTasksInput {
  /** The project (id or key); absent lists across every project of the organization. */
  readonly projectRef?: string | undefined;
  /**
   * `assigneeId: 'me'` means the caller. `statusId` is a status id or name (a name across the
   * organization names that status of every project that has it), `labelId` a label id or name,
   * `parentId` a task id or key.
   */
  readonly filter: Omit<TaskFilter, 'projectId' | 'statusIds' | 'reporterId' | 'ownedBy'>;
  readonly sort: TaskSort;
  readonly limit: number;
  readonly after?: TaskCursor | undefined;
}

/** A page of a task list: its tasks as the store rendered them, and where the next page starts. */
export interface TaskListPage {
  readonly items: TaskListItem[];
  readonly nextCursor: TaskCursor | null;
}

export async function listTasks(
  deps: Pick<Deps, 'uow' | 'cache'>,
  access: OrganizationAccess,
  input: ListTasksInput,
): Promise<TaskListPage> {
  const visibility = visibilityFilter(access);
  if (input.after !== undefined && input.after.sort !== input.sort) {
    throw ValidationError.field('cursor', 'The cursor belongs to another sort order');
  }
  const assigneeId =
    input.filter.assigneeId === 'me' ? access.grant.actorId : input.filter.assigneeId;
  const organizationId = access.organization.id;
  const rows = await readInOrganization(deps, access, async (tx) => {
    const projectId =
      input.projectRef === undefined
        ? undefined
        : await projectIdOf(deps, tx, organizationId, input.projectRef);
    const named = await byId(tx, organizationId, input.filter, projectId).catch(
      async (error: unknown) => {
        // A project that is not there is told first.
        if (input.projectRef !== undefined)
          await liveProjectRef(tx, organizationId, input.projectRef);
        throw error;
      },
    );
    const found = await tx.tasks.listItems(organizationId, {
      filter: { ...input.filter, ...named, assigneeId, projectId, ...visibility },
      sort: input.sort,
      limit: input.limit + 1,
      after: input.after,
    });
    // The list query joins the live project itself; only an empty page asks whether it exists.
    if (found.length === 0 && input.projectRef !== undefined) {
      await liveProjectRef(tx, organizationId, input.projectRef);
    }
    return found;
  });
  const { items, next } = pageOf(rows, input.limit, (last) => cursorAfter(last, input.sort));
  return { items, nextCursor: next };
}

type NamedFilter = Pick<TaskFilter, 'statusId' | 'statusIds' | 'labelId' | 'parentId'>;

/**
 * The filter's status, label and parent by id: what is given as a name or key is looked up (an id
 * costs nothing); one that names nothing is a 422 on its query parameter.
 */
async function byId(
  tx: Pick<Repositories, 'projects' | 'labels' | 'tasks'>,
  organizationId: string,
  filter: ListTasksInput['filter'],
  projectId: string | undefined,
): Promise<NamedFilter> {
  const { statusId, labelId, parentId } = filter;
  const named: { -readonly [K in keyof NamedFilter]: NamedFilter[K] } = {};
  if (statusId !== undefined && !isUuid(statusId)) {
    const ids = await statusIdsOf(tx, organizationId, statusId, projectId, 'status_id');
    if (ids.length === 1) {
      named.statusId = ids[0];
    } else {
      named.statusId = undefined;
      named.statusIds = ids;
    }
  }
  if (labelId !== undefined && !isUuid(labelId)) {
    [named.labelId] = await labelIdsOf(tx, organizationId, [labelId], () => 'label');
  }
  if (parentId !== undefined && !isUuid(parentId)) {
    named.parentId = await taskIdOf(tx, organizationId, parentId, 'parent_id');
  }
  return named;
}

/** How long a project key's id is remembered: keys never change and never pass to another project. */
const PROJECT_KEY_CACHE_TTL_SECONDS = 3600;

/**
 * The id of the project named by id or key, without a query when it is an id or a key seen
 * before (a key names one project for ever, deleted or not: the list query itself keeps to live
 * projects). An unknown key is NotFoundError.
 */
async function projectIdOf(
  deps: Pick<Deps, 'cache'>,
  tx: Pick<Repositories, 'projects'>,
  organizationId: string,
  ref: string,
): Promise<string> {
  if (isUuid(ref)) return ref;
  const key = projectKeyOf(ref) ?? notFound('project');
  const id = await cached(
    deps.cache,
    `org:${organizationId}:project-key:${key}`,
    PROJECT_KEY_CACHE_TTL_SECONDS,
    async () => (await tx.projects.identify(organizationId, key))?.id,
  );
  return id ?? notFound('project');
}

/** What a cursor is made of: a task's id and sort fields, of a Task or of a list item. */
type CursorSource = Pick<TaskListItem, 'id' | 'priority' | 'position'> & {
  readonly createdAt: Date | string;
  readonly dueAt: Date | string | null;
};

const iso = (value: Date | string) => (typeof value === 'string' ? value : value.toISOString());

export function cursorAfter(task: CursorSource, sort: TaskSort): TaskCursor {
  switch (sort) {
    case 'created_at':
    case '-created_at':
      return { sort, value: iso(task.createdAt), id: task.id };
    case 'due_at':
      return { sort, value: task.dueAt === null ? null : iso(task.dueAt), id: task.id };
    case 'priority':
      return { sort, value: task.priority, id: task.id };
    case 'position':
      return { sort, value: task.position, id: task.id };
  }
}
