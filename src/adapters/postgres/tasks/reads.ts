// Task reads: the joined select every read shares, row locks, and finding tasks by id or key.
import { sql } from 'kysely';
import type { TaskRepository } from '../../../application/tasks/ports.js';
import { isUuid } from '../../../domain/shared/id.js';
import { parseTaskKey, type Task } from '../../../domain/tasks/task.js';
import type { Db } from '../database.js';
import { defer, QueryTemplates } from '../wire/index.js';
import { workflowColumn } from '../workflow-column.js';
import { toTask } from './rows.js';

/** The compiled reads of every task repository (the SQL is the same for every connection). */
export const templates = new QueryTemplates();

/** The statements the reads, lists and writes of one connection's task repository share. */
export function taskQueries(db: Db) {
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
      sql<string | null>`case when p.public_lookup then t.tracking_code end`.as('tracking_code'),
    ]);

  /**
   * Locks the rows (in id order, so concurrent lockers never deadlock) before they are read: a
   * locking read joined to the status would, after waiting on a concurrent move, re-check the
   * moved row against the old status row and drop it. Read after this, in a new statement (on a
   * pipelined transaction, the next one of the same trip), every row is the latest committed one.
   */
  const lockRows = (organizationId: string, ids: readonly string[]) =>
    defer(
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
    const shape = {
      query: 'find',
      by: 'id' in found ? 'id' : 'key',
      includeDeleted: options.includeDeleted === true,
      withWorkflow,
    };
    const select = (organization: string) => {
      const chosen = tasks(organization).$if(withWorkflow, (query) =>
        query.select(workflowColumn('t.organization_id', 't.project_id')),
      );
      return options.includeDeleted ? chosen : chosen.where('t.deleted_at', 'is', null);
    };
    const query =
      'id' in found
        ? templates.compile(shape, [organizationId, found.id] as const, (organization, id) =>
            select(organization).where('t.id', '=', id),
          )
        : templates.compile(
            shape,
            [organizationId, found.projectKey, found.number] as const,
            (organization, key, number) =>
              select(organization).where('p.key', '=', key).where('t.number', '=', number),
          );
    return (await db.executeQuery(query)).rows[0];
  };

  return { joined, tasks, lockRows, findById, named };
}

export type TaskQueries = ReturnType<typeof taskQueries>;

export function taskReads(
  queries: TaskQueries,
): Pick<TaskRepository, 'find' | 'findWithWorkflow' | 'findMany'> {
  const { named, tasks, lockRows } = queries;
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
  };
}
