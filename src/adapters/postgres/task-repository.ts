// Tasks. A read joins the project (for the key), the status (for its category), the type (for its
// name) and the labels, so one query answers one task or one page. Numbers come from the project
// row (gapless); positions from the column, under a per-column lock that creations and moves share.
import { sql, type Compilable, type CompiledQuery, type Expression, type SqlBool } from 'kysely';
import type {
  TaskChanges,
  TaskCursor,
  TaskFilter,
  TaskListQuery,
  TaskRepository,
  TaskSort,
} from '../../application/tasks/ports.js';
import { ValidationError } from '../../domain/shared/errors.js';
import { isUuid } from '../../domain/shared/id.js';
import { POSITION_GAP, positionBetween } from '../../domain/tasks/position.js';
import {
  parseTaskKey,
  PRIORITIES,
  taskKey,
  type Priority,
  type Task,
} from '../../domain/tasks/task.js';
import type { Db } from './database.js';
import type { PriorityColumn } from './database-tasks.js';
import { sendAhead } from './pipeline.js';
import { QueryTemplates } from './query-template.js';
import { workflowColumn } from './workflow-column.js';
import { isoTime } from './sql-values.js';
import { postgresTaskCommentRepository } from './task-comment-repository.js';
import { postgresTaskHistoryRepository } from './task-history-repository.js';
import { postgresTaskRelationRepository } from './task-relation-repository.js';
import { postgresTaskWatcherRepository } from './task-watcher-repository.js';

export const priorityColumn = (priority: Priority) =>
  (PRIORITIES.indexOf(priority) + 1) as PriorityColumn;
export const priorityOf = (column: number): Priority => PRIORITIES[column - 1] ?? 'medium';

const FOREIGN_KEY_VIOLATION = '23503';

/** A reference to a label or type that does not exist (in this organization) is bad input. */
function unknownReference(error: unknown): ValidationError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, constraint } = error as { code?: unknown; constraint?: unknown };
  if (code !== FOREIGN_KEY_VIOLATION || typeof constraint !== 'string') return undefined;
  if (constraint.includes('label')) return ValidationError.field('labels', 'Unknown label');
  if (constraint.includes('type')) return ValidationError.field('type', 'Unknown task type');
  return undefined;
}

async function referencesChecked<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    throw unknownReference(error) ?? error;
  }
}

interface TaskRow {
  organization_id: string;
  id: string;
  project_id: string;
  project_key: string;
  number: number;
  title: string;
  description: string;
  type_id: string | null;
  type_name: string | null;
  status_id: string;
  status_category: Task['statusCategory'];
  priority: number;
  assignee_id: string | null;
  reporter_id: string;
  parent_id: string | null;
  labels: string[] | null;
  due_at: Date | null;
  estimate_hours: number | null;
  actual_hours: number | null;
  position: string | number | bigint;
  version: number;
  created_at: Date;
  updated_at: Date;
  completed_at: Date | null;
  deleted_at: Date | null;
}

export function toTask(row: TaskRow): Task {
  return {
    id: row.id,
    organizationId: row.organization_id,
    projectId: row.project_id,
    key: taskKey(row.project_key, row.number),
    number: row.number,
    title: row.title,
    description: row.description,
    typeId: row.type_id,
    type: row.type_name,
    statusId: row.status_id,
    statusCategory: row.status_category,
    priority: priorityOf(row.priority),
    assigneeId: row.assignee_id,
    reporterId: row.reporter_id,
    parentId: row.parent_id,
    labels: row.labels ?? [],
    dueAt: row.due_at,
    estimateHours: row.estimate_hours === null ? null : Number(row.estimate_hours),
    actualHours: row.actual_hours === null ? null : Number(row.actual_hours),
    position: Number(row.position),
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    completedAt: row.completed_at,
    deletedAt: row.deleted_at,
  };
}

/**
 * The column lock shared by creations and moves into one status (held until the commit). The key
 * is the status id as PostgreSQL prints a uuid, as app_task_column_bottom (migration 0009) takes it.
 */
const columnLock = (statusId: string) =>
  sql<string>`pg_advisory_xact_lock(hashtextextended(${statusId}::uuid::text, 7))`;

/**
 * The position below the other live tasks of the row's column (`statusId`'s when the UPDATE sets
 * it): app_task_column_bottom (migration 0009) takes the column lock, then reads the column with a
 * snapshot of its own, taken after the lock (the statement's predates its wait).
 */
const columnBottom = (statusId: string | undefined) =>
  sql<number>`coalesce(app_task_column_bottom(organization_id, project_id, ${
    statusId === undefined ? sql.ref('status_id') : sql`${statusId}::uuid`
  }, id), 0) + ${POSITION_GAP}`;

/** Takes the column lock; on a pipelined transaction, in the trip of the next statement. */
export const lockColumn = (db: Db, statusId: string) =>
  sendAhead(db, db.selectNoFrom(columnLock(statusId).as('locked')));

/** The compiled reads of every task repository (the SQL is the same for every connection). */
const templates = new QueryTemplates();

export function postgresTaskRepository(db: Db): TaskRepository {
  const joined = (organizationId: string) =>
    db
      .selectFrom('tasks as t')
      .innerJoin('projects as p', (join) =>
        join
          .onRef('p.organization_id', '=', 't.organization_id')
          .onRef('p.id', '=', 't.project_id'),
      )
      .innerJoin('project_statuses as s', (join) =>
        join.onRef('s.organization_id', '=', 't.organization_id').onRef('s.id', '=', 't.status_id'),
      )
      .leftJoin('task_types as tt', (join) =>
        join.onRef('tt.organization_id', '=', 't.organization_id').onRef('tt.id', '=', 't.type_id'),
      )
      .where('t.organization_id', '=', organizationId)
      // The tasks of a deleted project are gone with it until it is restored.
      .where('p.deleted_at', 'is', null);

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

  /** A task's columns, of `from`: the joined rows of the organization unless narrowed already. */
  const tasks = (organizationId: string, from = joined(organizationId)) =>
    from.select([
      't.organization_id',
      't.id',
      't.project_id',
      'p.key as project_key',
      't.number',
      't.title',
      't.description',
      't.type_id',
      'tt.name as type_name',
      't.status_id',
      's.category as status_category',
      't.priority',
      't.assignee_id',
      't.reporter_id',
      't.parent_id',
      sql<string[]>`array(
          select tl.label_id::text from task_labels as tl
          where tl.organization_id = t.organization_id and tl.task_id = t.id
          order by tl.label_id
        )`.as('labels'),
      't.due_at',
      't.estimate_hours',
      't.actual_hours',
      't.position',
      't.version',
      't.created_at',
      't.updated_at',
      't.completed_at',
      't.deleted_at',
    ]);

  /**
   * Locks the rows (in id order, so concurrent lockers never deadlock) before they are read: a
   * locking read joined to the status would, after waiting on a concurrent move, re-check the
   * moved row against the old status row and drop it. Read after this, in a new statement (on a
   * pipelined transaction, the next one of the same trip), every row is the latest committed one.
   */
  const lockRows = (organizationId: string, ids: readonly string[]) =>
    sendAhead(
      db,
      db
        .selectFrom('tasks')
        .select('id')
        .where('organization_id', '=', organizationId)
        .where('id', 'in', ids)
        .orderBy('id')
        .forNoKeyUpdate(),
    );

  const findById = async (organizationId: string, id: string): Promise<Task> => {
    const row = await tasks(organizationId).where('t.id', '=', id).executeTakeFirstOrThrow();
    return toTask(row);
  };

  const writeLabels = async (
    organizationId: string,
    taskId: string,
    labels: readonly string[],
    replace: boolean,
  ) => {
    if (replace) {
      await sendAhead(
        db,
        db
          .deleteFrom('task_labels')
          .where('organization_id', '=', organizationId)
          .where('task_id', '=', taskId),
      );
    }
    if (labels.length === 0) return;
    await sendAhead(
      db,
      db.insertInto('task_labels').values(
        labels.map((labelId) => ({
          organization_id: organizationId,
          task_id: taskId,
          label_id: labelId,
        })),
      ),
    );
  };

  /** The column's live tasks other than `taskId`, as (position, id) in order. */
  const column = (organizationId: string, projectId: string, statusId: string, taskId: string) =>
    db
      .selectFrom('tasks')
      .select(['id', 'position'])
      .where('organization_id', '=', organizationId)
      .where('project_id', '=', projectId)
      .where('status_id', '=', statusId)
      .where('deleted_at', 'is', null)
      .where('id', '!=', taskId);

  const positionIn = async (
    organizationId: string,
    projectId: string,
    taskId: string,
    statusId: string,
    beforeId: string | undefined,
    afterId: string | undefined,
  ): Promise<number | null> => {
    const anchorId = beforeId ?? afterId;
    if (anchorId === undefined) {
      const last = await column(organizationId, projectId, statusId, taskId)
        .orderBy('position', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return positionBetween(last ? Number(last.position) : null, null);
    }
    const field = beforeId !== undefined ? 'before_id' : 'after_id';
    if (!isUuid(anchorId) || anchorId === taskId) {
      throw ValidationError.field(field, 'Must be another task of the target column');
    }
    const anchor = await column(organizationId, projectId, statusId, taskId)
      .where('id', '=', anchorId)
      .executeTakeFirst();
    if (!anchor) throw ValidationError.field(field, 'Must be another task of the target column');
    const at = Number(anchor.position);
    const key = sql`(${at}::bigint, ${anchor.id}::uuid)`;
    if (beforeId !== undefined) {
      const previous = await column(organizationId, projectId, statusId, taskId)
        .where(sql<SqlBool>`(position, id) < ${key}`)
        .orderBy('position', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return positionBetween(previous ? Number(previous.position) : null, at);
    }
    const next = await column(organizationId, projectId, statusId, taskId)
      .where(sql<SqlBool>`(position, id) > ${key}`)
      .orderBy('position')
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
    return positionBetween(at, next ? Number(next.position) : null);
  };

  /**
   * What names the task: its id, or its project's key and number (undefined when `ref` is neither).
   * With `forUpdate`, the row is locked first: by id, ahead of the read in the same trip; by key,
   * through its project (whose key never changes), in a trip of its own that answers the id.
   */
  const target = async (
    organizationId: string,
    ref: string,
    forUpdate: boolean,
  ): Promise<{ id: string } | { projectKey: string; number: number } | undefined> => {
    if (isUuid(ref)) {
      if (forUpdate) await lockRows(organizationId, [ref]);
      return { id: ref };
    }
    const key = parseTaskKey(ref.toUpperCase());
    if (key === undefined || !forUpdate) return key;
    const locked = await db
      .selectFrom('tasks as t')
      .innerJoin('projects as p', (join) =>
        join
          .onRef('p.organization_id', '=', 't.organization_id')
          .onRef('p.id', '=', 't.project_id'),
      )
      .select('t.id')
      .where('t.organization_id', '=', organizationId)
      .where('p.key', '=', key.projectKey)
      .where('t.number', '=', key.number)
      .forNoKeyUpdate(['t'])
      .executeTakeFirst();
    return locked && { id: locked.id };
  };

  /** The task named by id or key (live unless `includeDeleted`), with its project's workflow. */
  const named = async (
    organizationId: string,
    ref: string,
    options: { readonly includeDeleted?: boolean; readonly forUpdate?: boolean },
    withWorkflow: boolean,
  ) => {
    const found = await target(organizationId, ref, options.forUpdate === true);
    if (found === undefined) return undefined;
    const byId = 'id' in found;
    const shape = `find:${byId ? 'id' : 'key'}:${options.includeDeleted ? 'any' : 'live'}:${withWorkflow ? 'workflow' : ''}`;
    const args = byId
      ? [organizationId, found.id]
      : [organizationId, found.projectKey, found.number];
    const query = templates.compile(shape, args, (organization, first, second) => {
      let select = tasks(organization).$if(withWorkflow, (query) =>
        query.select(workflowColumn('t.organization_id', 't.project_id')),
      );
      select = byId
        ? select.where('t.id', '=', first)
        : select.where('p.key', '=', first).where('t.number', '=', second as unknown as number);
      if (!options.includeDeleted) select = select.where('t.deleted_at', 'is', null);
      return select;
    });
    return (await db.executeQuery(query)).rows[0];
  };

  return {
    async find(organizationId, ref, options = {}) {
      const row = await named(organizationId, ref, options, false);
      return row && toTask(row);
    },

    async findWithWorkflow(organizationId, ref, options = {}) {
      const row = await named(organizationId, ref, options, true);
      return row && { task: toTask(row), statuses: row.statuses ?? [] };
    },

    async findMany(organizationId, ids, options = {}) {
      const valid = ids.filter(isUuid);
      if (valid.length === 0) return [];
      if (options.forUpdate) await lockRows(organizationId, valid);
      const select = tasks(organizationId)
        .where('t.id', 'in', valid)
        .where('t.deleted_at', 'is', null)
        .orderBy('t.id');
      return (await select.execute()).map(toTask);
    },

    async create(task) {
      // One statement, so a project's creations queue on its row for one round trip (then the
      // history and audit rows ride with the COMMIT). It takes the project row (the key's
      // number) and then the column's lock, in that order as always: app_task_column_bottom
      // (migration 0009; the new id it leaves out is in no column yet) runs for the row the
      // UPDATE returns, takes the lock and reads the column's last committed position with a
      // snapshot of its own, taken after the lock. The
      // task goes below it (positionBetween(last, null): last + gap, or the gap in an empty
      // column), its labels with it, and the read-back comes from what the statement wrote.
      const { organizationId, projectId, statusId } = task;
      const labels = [...task.labels];
      const { rows } = await referencesChecked(() =>
        sql<TaskRow>`
          with counter as (
            update projects set next_task_number = next_task_number + 1
            where organization_id = ${organizationId} and id = ${projectId}
            returning key, next_task_number - 1 as number
          ), inserted as (
            insert into tasks (
              organization_id, id, project_id, number, title, description, type_id, status_id,
              priority, assignee_id, reporter_id, parent_id, due_at, estimate_hours, actual_hours,
              position, created_at, updated_at, completed_at
            )
            select ${organizationId}::uuid, ${task.id}::uuid, ${projectId}::uuid, counter.number,
              ${task.title}::text, ${task.description}::text, ${task.typeId}::uuid,
              ${statusId}::uuid, ${priorityColumn(task.priority)}::smallint,
              ${task.assigneeId}::uuid, ${task.reporterId}::uuid, ${task.parentId}::uuid,
              ${task.dueAt}::timestamptz, ${task.estimateHours}::double precision, null,
              coalesce(app_task_column_bottom(${organizationId}::uuid, ${projectId}::uuid,
                ${statusId}::uuid, ${task.id}::uuid), 0) + ${POSITION_GAP}, ${task.now}::timestamptz,
              ${task.now}::timestamptz, ${task.completedAt}::timestamptz
            from counter
            returning *
          ), labelled as (
            insert into task_labels (organization_id, task_id, label_id)
            select inserted.organization_id, inserted.id, label
            from inserted, unnest(${labels}::uuid[]) as label
          )
          select t.organization_id, t.id, t.project_id, counter.key as project_key, t.number,
            t.title, t.description, t.type_id, tt.name as type_name, t.status_id,
            s.category as status_category, t.priority, t.assignee_id, t.reporter_id,
            t.parent_id,
            array(select label::text from unnest(${labels}::uuid[]) as label order by label)
              as labels,
            t.due_at, t.estimate_hours, t.actual_hours, t.position, t.version, t.created_at,
            t.updated_at, t.completed_at, t.deleted_at
          from inserted as t
          cross join counter
          join project_statuses as s
            on s.organization_id = t.organization_id and s.id = t.status_id
          left join task_types as tt
            on tt.organization_id = t.organization_id and tt.id = t.type_id
        `.execute(db),
      );
      const row = rows[0];
      if (!row) throw new Error(`No project ${projectId} to create a task in`);
      return toTask(row);
    },

    async update(organizationId, id, changes: TaskChanges, now) {
      const set = {
        ...(changes.title !== undefined && { title: changes.title }),
        ...(changes.description !== undefined && { description: changes.description }),
        ...(changes.typeId !== undefined && { type_id: changes.typeId }),
        ...(changes.statusId !== undefined && { status_id: changes.statusId }),
        ...(changes.priority !== undefined && { priority: priorityColumn(changes.priority) }),
        ...(changes.assigneeId !== undefined && { assignee_id: changes.assigneeId }),
        ...(changes.parentId !== undefined && { parent_id: changes.parentId }),
        ...(changes.dueAt !== undefined && { due_at: changes.dueAt }),
        ...(changes.estimateHours !== undefined && { estimate_hours: changes.estimateHours }),
        ...(changes.actualHours !== undefined && { actual_hours: changes.actualHours }),
        ...(changes.completedAt !== undefined && { completed_at: changes.completedAt }),
        ...(changes.position !== undefined && {
          position:
            changes.position === 'bottom' ? columnBottom(changes.statusId) : changes.position,
        }),
      };
      // Like a create's: the UPDATE and the labels ride ahead of the read-back.
      return referencesChecked(async () => {
        await sendAhead(
          db,
          db
            .updateTable('tasks')
            .set({ ...set, version: sql`version + 1`, updated_at: now })
            .where('organization_id', '=', organizationId)
            .where('id', '=', id),
        );
        if (changes.labels !== undefined)
          await writeLabels(organizationId, id, changes.labels, true);
        return findById(organizationId, id);
      });
    },

    async positionFor(organizationId, projectId, taskId, placement) {
      await lockColumn(db, placement.statusId);
      const { statusId, beforeId, afterId } = placement;
      const position = await positionIn(
        organizationId,
        projectId,
        taskId,
        statusId,
        beforeId,
        afterId,
      );
      if (position !== null) return position;
      // No room between the neighbours: renumber the column (gaps restored), then place again.
      await sql`
        update tasks set position = r.rank * 65536
        from (
          select id, row_number() over (order by position, id) as rank
          from tasks
          where organization_id = ${organizationId} and project_id = ${projectId}
            and status_id = ${statusId} and deleted_at is null and id <> ${taskId}
        ) as r
        where tasks.organization_id = ${organizationId} and tasks.id = r.id
      `.execute(db);
      const renumbered = await positionIn(
        organizationId,
        projectId,
        taskId,
        statusId,
        beforeId,
        afterId,
      );
      if (renumbered === null) throw new Error('No room in a freshly renumbered column');
      return renumbered;
    },

    async setDeleted(organizationId, id, deletedAt, now) {
      await sendAhead(
        db,
        db
          .updateTable('tasks')
          .set({ deleted_at: deletedAt, version: sql`version + 1`, updated_at: now })
          .where('organization_id', '=', organizationId)
          .where('id', '=', id),
      );
      return findById(organizationId, id);
    },

    async lockTree(organizationId, projectId) {
      const tree = `${organizationId}:${projectId}:tree`;
      await sendAhead(
        db,
        db.selectNoFrom(
          sql<string>`pg_advisory_xact_lock(hashtextextended(${tree}, 7))`.as('locked'),
        ),
      );
    },

    async ancestry(organizationId, parentId) {
      const { rows } = await sql<{ id: string }>`
        with recursive chain (id, parent_id, depth) as (
          select id, parent_id, 1 from tasks
          where organization_id = ${organizationId} and id = ${parentId}
          union all
          select t.id, t.parent_id, c.depth + 1 from tasks as t
          join chain as c on t.organization_id = ${organizationId} and t.id = c.parent_id
          where c.depth < 50
        )
        select id from chain order by depth
      `.execute(db);
      return rows.map((row) => row.id);
    },

    async subtreeHeight(organizationId, taskId) {
      const { rows } = await sql<{ height: number }>`
        with recursive tree (id, depth) as (
          select id, 1 from tasks where organization_id = ${organizationId} and id = ${taskId}
          union all
          select t.id, tree.depth + 1 from tasks as t
          join tree on t.organization_id = ${organizationId} and t.parent_id = tree.id
          where tree.depth < 50
        )
        select max(depth)::int as height from tree
      `.execute(db);
      return rows[0]?.height ?? 1;
    },

    async list(organizationId, query) {
      const statement = listTemplate('list', organizationId, query, (org, limit, filter, after) =>
        tasks(org, listed(org, query.sort, limit, filter, after)),
      );
      return (await db.executeQuery(statement)).rows.map(toTask);
    },

    async listJson(organizationId, query) {
      const statement = listTemplate('json', organizationId, query, (org, limit, filter, after) =>
        listed(org, query.sort, limit, filter, after).select([
          sql<string>`${TASK_JSON}::text`.as('json'),
          't.id',
          isoTime(sql`t.created_at`).as('created_at'),
          isoTime(sql`t.due_at`).as('due_at'),
          't.priority',
          sql<string>`t.position::text`.as('position'),
        ]),
      );
      return (await db.executeQuery(statement)).rows.map((row) => ({
        json: row.json,
        id: row.id,
        createdAt: row.created_at ?? '',
        dueAt: row.due_at,
        priority: priorityOf(row.priority),
        position: Number(row.position),
      }));
    },

    history: postgresTaskHistoryRepository(db),
    comments: postgresTaskCommentRepository(db),
    watchers: postgresTaskWatcherRepository(db),
    relations: postgresTaskRelationRepository(db),
  };
}

/**
 * A task as the API shows it (presentTask in the HTTP adapter), built by PostgreSQL so that a page
 * travels as one string per task: no row decoding, no Date objects, no JSON.stringify in Node.
 * The keys and formats match presentTask exactly; a test compares the two on the same tasks.
 */
const TASK_JSON = sql`json_build_object(
  'id', t.id,
  'key', p.key || '-' || t.number,
  'project_id', t.project_id,
  'title', t.title,
  'description', t.description,
  'type', tt.name,
  'type_id', t.type_id,
  'status_id', t.status_id,
  'status_category', s.category,
  'priority', (array['low', 'medium', 'high', 'critical'])[t.priority],
  'assignee_id', t.assignee_id,
  'reporter_id', t.reporter_id,
  'parent_id', t.parent_id,
  'labels', array(
    select tl.label_id from task_labels as tl
    where tl.organization_id = t.organization_id and tl.task_id = t.id
    order by tl.label_id
  ),
  'due_at', ${isoTime(sql`t.due_at`)},
  'estimate_hours', t.estimate_hours,
  'actual_hours', t.actual_hours,
  'position', t.position,
  'version', t.version,
  'created_at', ${isoTime(sql`t.created_at`)},
  'updated_at', ${isoTime(sql`t.updated_at`)},
  'completed_at', ${isoTime(sql`t.completed_at`)},
  'deleted_at', ${isoTime(sql`t.deleted_at`)}
)`;

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
  const names = (fields: [string, unknown][]) => fields.map(([name]) => name).join(',');
  const shape = [kind, query.sort, names(filter), cursor ? `after(${names(cursor)})` : ''];
  const values = [...filter, ...(cursor ?? [])].map(([, value]) => value);
  return templates.compile(
    shape.join(':'),
    [organizationId, query.limit, ...values],
    (organization, limit, ...markers) => {
      const marked = (fields: [string, unknown][], from: number) =>
        Object.fromEntries(fields.map(([name], i) => [name, markers[from + i]]));
      return build(
        organization,
        limit as unknown as number,
        marked(filter, 0),
        cursor && (marked(cursor, filter.length) as unknown as BoundCursor),
      );
    },
  );
}
