// Task lists: filters, sort orders and keyset cursors, as tasks or as list items rendered in
// PostgreSQL (the tasks' public JSON), from templates.
import {
  sql,
  type Compilable,
  type CompiledQuery,
  type Expression,
  type RawBuilder,
  type SqlBool,
} from 'kysely';
import type {
  RenderedTask,
  TaskCursor,
  TaskFilter,
  TaskListQuery,
  TaskRepository,
  TaskSort,
} from '../../../application/tasks/ports.js';
import type { Priority, Task } from '../../../domain/tasks/task.js';
import { TASK_FIELDS } from '../../shared/task-fields.js';
import type { Db } from '../database.js';
import { isoTime } from '../sql-values.js';
import { templates, type TaskQueries } from './reads.js';
import { priorityColumn, priorityName, priorityOf, toTask } from './rows.js';

export function taskLists(
  db: Db,
  queries: TaskQueries,
): Pick<TaskRepository, 'list' | 'listItems'> {
  const { joined, tasks } = queries;
  /** The joined rows narrowed to the filter and the page after the cursor, in the sort's order. */
  const listed = (
    organizationId: string,
    sort: TaskSort,
    limit: number,
    filter: BoundFilter,
    after: BoundCursor | undefined,
  ) => {
    let select = joined(organizationId)
      .where('t.deleted_at', 'is', null)
      .where((eb) => eb.and(filterConditions(filter)))
      .where((eb) => eb.and(after ? [keysetAfter(sort, after)] : []))
      .limit(limit);
    for (const [expression, direction] of ORDER[sort])
      select = select.orderBy(expression, direction);
    return select;
  };

  return {
    async list(organizationId, query) {
      const statement = listTemplate('list', organizationId, query, (org, limit, filter, after) =>
        tasks(org, listed(org, query.sort, limit, filter, after)),
      );
      return (await db.executeQuery(statement)).rows.map(toTask);
    },

    async listItems(organizationId, query) {
      const statement = listTemplate('json', organizationId, query, (org, limit, filter, after) =>
        listed(org, query.sort, limit, filter, after).select([
          sql<RenderedTask>`${TASK_JSON}::text`.as('rendered'),
          't.id',
          isoTime(sql`t.created_at`).as('created_at'),
          isoTime(sql`t.due_at`).as('due_at'),
          't.priority',
          sql<string>`t.position::text`.as('position'),
        ]),
      );
      return (await db.executeQuery(statement)).rows.map((row) => ({
        rendered: row.rendered,
        id: row.id,
        createdAt: row.created_at ?? '',
        dueAt: row.due_at,
        priority: priorityOf(row.priority),
        position: Number(row.position),
      }));
    },
  };
}

/**
 * What each Task property is in the joined row, for TASK_FIELDS to pick from (a time as its
 * timestamptz: the field's format makes it text).
 */
const TASK_VALUES: { readonly [P in keyof Task]: RawBuilder<unknown> } = {
  id: sql`t.id`,
  organizationId: sql`t.organization_id`,
  projectId: sql`t.project_id`,
  key: sql`p.key || '-' || t.number`,
  number: sql`t.number`,
  title: sql`t.title`,
  description: sql`t.description`,
  typeId: sql`t.type_id`,
  type: sql`tt.name`,
  statusId: sql`t.status_id`,
  statusCategory: sql`s.category`,
  priority: priorityName(sql`t.priority`),
  assigneeId: sql`t.assignee_id`,
  reporterId: sql`t.reporter_id`,
  parentId: sql`t.parent_id`,
  labels: sql`array(
    select tl.label_id from task_labels as tl
    where tl.organization_id = t.organization_id and tl.task_id = t.id
    order by tl.label_id
  )`,
  dueAt: sql`t.due_at`,
  estimateHours: sql`t.estimate_hours`,
  actualHours: sql`t.actual_hours`,
  position: sql`t.position`,
  version: sql`t.version`,
  createdAt: sql`t.created_at`,
  updatedAt: sql`t.updated_at`,
  completedAt: sql`t.completed_at`,
  deletedAt: sql`t.deleted_at`,
  trackingCode: sql`case when p.public_lookup then t.tracking_code end`,
};

/**
 * A task in its public shape (TASK_FIELDS, which presentTask is checked against), built by PostgreSQL so
 * that a page travels as one string per task: no row decoding, no Date objects, no
 * JSON.stringify in Node. A test holds a list page and the single reads identical.
 */
const TASK_JSON = sql`json_build_object(${sql.join(
  TASK_FIELDS.map((field) => {
    const value = TASK_VALUES[field.from];
    return sql`${sql.lit(field.name)}, ${'format' in field ? isoTime(value) : value}`;
  }),
)})`;

type Condition = Expression<SqlBool>;

/** A filter's values as the statement binds them: a priority as its column's number. */
type BoundFilter = { readonly [K in keyof TaskFilter]?: unknown };

const boundFilter = (filter: TaskFilter): BoundFilter =>
  filter.priority === undefined ? filter : { ...filter, priority: priorityColumn(filter.priority) };

/** A record's given fields as [name, value], by name: which are given is part of a shape. */
const givenFields = (record: object): [string, unknown][] =>
  Object.entries(record)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));

function filterConditions(filter: BoundFilter): Condition[] {
  const conditions: Condition[] = [];
  const add = (condition: Condition) => conditions.push(condition);
  if (filter.projectId !== undefined) add(sql`t.project_id = ${filter.projectId}`);
  if (filter.statusId !== undefined) add(sql`t.status_id = ${filter.statusId}`);
  if (filter.statusIds !== undefined) add(sql`t.status_id = any(${filter.statusIds}::uuid[])`);
  if (filter.statusCategory !== undefined) add(sql`s.category = ${filter.statusCategory}`);
  if (filter.assigneeId !== undefined) add(sql`t.assignee_id = ${filter.assigneeId}`);
  if (filter.priority !== undefined) add(sql`t.priority = ${filter.priority}`);
  if (filter.typeId !== undefined) add(sql`t.type_id = ${filter.typeId}`);
  if (filter.dueBefore !== undefined) add(sql`t.due_at < ${filter.dueBefore}`);
  if (filter.dueAfter !== undefined) add(sql`t.due_at > ${filter.dueAfter}`);
  if (filter.parentId !== undefined) add(sql`t.parent_id = ${filter.parentId}`);
  if (filter.reporterId !== undefined) add(sql`t.reporter_id = ${filter.reporterId}`);
  if (filter.ownedBy !== undefined) {
    add(sql`(t.reporter_id = ${filter.ownedBy} or t.assignee_id = ${filter.ownedBy})`);
  }
  if (filter.labelId !== undefined) {
    add(sql`exists (
      select 1 from task_labels as tl
      where tl.organization_id = t.organization_id and tl.task_id = t.id
        and tl.label_id = ${filter.labelId}
    )`);
  }
  if (filter.q !== undefined) {
    add(sql`t.search_vector @@ websearch_to_tsquery('english', ${filter.q})`);
  }
  return conditions;
}

const ORDER: Record<TaskSort, [Expression<unknown>, 'asc' | 'desc'][]> = {
  '-created_at': [
    [sql`t.created_at`, 'desc'],
    [sql`t.id`, 'desc'],
  ],
  created_at: [
    [sql`t.created_at`, 'asc'],
    [sql`t.id`, 'asc'],
  ],
  due_at: [
    [sql`t.due_at`, 'asc'],
    [sql`t.id`, 'asc'],
  ],
  priority: [
    [sql`t.priority`, 'desc'],
    [sql`t.id`, 'asc'],
  ],
  position: [
    [sql`t.position`, 'asc'],
    [sql`t.id`, 'asc'],
  ],
};

/**
 * The cursor's values as the statement binds them: the sort value (an ISO time, a priority's
 * column number, a position), absent for a null due date, which makes a shape of its own.
 */
interface BoundCursor {
  readonly value?: unknown;
  readonly id: unknown;
}

function boundCursor(sort: TaskSort, after: TaskCursor): BoundCursor {
  const { value, id } = after;
  if (value === null) return { id };
  switch (sort) {
    case 'priority':
      return { value: priorityColumn(value as Priority), id };
    case 'position':
      return { value: Number(value), id };
    case '-created_at':
    case 'created_at':
    case 'due_at':
      return { value: String(value), id };
  }
}

/** Rows strictly after the cursor in the sort order (nulls of due_at sort last). */
function keysetAfter(sort: TaskSort, after: BoundCursor): Condition {
  const id = sql`${after.id}::uuid`;
  const value = after.value;
  switch (sort) {
    case '-created_at':
      return sql`(t.created_at, t.id) < (${value}::timestamptz, ${id})`;
    case 'created_at':
      return sql`(t.created_at, t.id) > (${value}::timestamptz, ${id})`;
    case 'due_at':
      return after.value === undefined
        ? sql`(t.due_at is null and t.id > ${id})`
        : sql`((t.due_at, t.id) > (${value}::timestamptz, ${id}) or t.due_at is null)`;
    case 'priority':
      return sql`(t.priority < ${value} or (t.priority = ${value} and t.id > ${id}))`;
    case 'position':
      // The cursor task's current position when it is still live: a column renumbered between
      // two pages rescales every position, and the stored one would repeat or skip tasks.
      return sql`(t.position, t.id) > (coalesce(
        (select c.position from tasks as c
         where c.organization_id = t.organization_id and c.id = ${id} and c.deleted_at is null),
        ${value}::bigint
      ), ${id})`;
  }
}

/**
 * A list statement from its template: the shape is the kind, the sort, and which fields of the
 * filter and the cursor are given; `build` gets the organization, the limit, the filter and the
 * cursor with markers for their values, to narrow and order its select with listed().
 */
function listTemplate<R>(
  kind: string,
  organizationId: string,
  query: TaskListQuery,
  build: (
    organizationId: string,
    limit: number,
    filter: BoundFilter,
    after: BoundCursor | undefined,
  ) => Compilable<R>,
): CompiledQuery<R> {
  const filter = givenFields(boundFilter(query.filter));
  const cursor = query.after && givenFields(boundCursor(query.sort, query.after));
  const names = (fields: [string, unknown][]) => fields.map(([name]) => name);
  const shape = {
    query: kind,
    sort: query.sort,
    filter: names(filter),
    after: cursor && names(cursor),
  };
  const values = [...filter, ...(cursor ?? [])].map(([, value]) => value);
  return templates.compile(
    shape,
    [organizationId, query.limit, ...values] as const,
    (organization, limit, ...markers) => {
      const marked = (fields: [string, unknown][], from: number) =>
        Object.fromEntries(fields.map(([name], i) => [name, markers[from + i]]));
      const after = cursor && marked(cursor, filter.length);
      return build(
        organization,
        limit,
        marked(filter, 0),
        after && { id: after['id'], value: after['value'] },
      );
    },
  );
}
