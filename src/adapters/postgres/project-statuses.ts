// A project's workflow statuses, and what replacing the workflow does to the project's tasks.
// The name and position constraints are DEFERRABLE; a replacement defers them to the commit, so
// statuses may swap names or places and a new status may take a dropped one's name, whatever the
// order of the statements in between.
import { sql } from 'kysely';
import type { ProjectStatusRepository } from '../../application/projects/ports.js';
import type { WorkflowStatus } from '../../domain/projects/workflow.js';
import { POSITION_GAP } from '../../domain/tasks/position.js';
import type { Db } from './database.js';
import { isoTime, NEW_ID } from './sql-values.js';
import { lockColumn } from './tasks/placement.js';
import { isUuid } from '../../domain/shared/id.js';

export function postgresProjectStatusRepository(db: Db): ProjectStatusRepository {
  async function list(organizationId: string, projectId: string): Promise<WorkflowStatus[]> {
    if (!isUuid(projectId)) return [];
    return db
      .selectFrom('project_statuses')
      .select(['id', 'name', 'category', 'position'])
      .where('organization_id', '=', organizationId)
      .where('project_id', '=', projectId)
      .orderBy('position')
      .execute();
  }

  return {
    list,

    async lock(organizationId, projectId) {
      if (!isUuid(projectId)) return undefined;
      const project = await db
        .selectFrom('projects')
        .select('id')
        .where('organization_id', '=', organizationId)
        .where('id', '=', projectId)
        .where('deleted_at', 'is', null)
        .forUpdate()
        .executeTakeFirst();
      return project && list(organizationId, projectId);
    },

    async idsNamed(organizationId, name) {
      const rows = await db
        .selectFrom('project_statuses as s')
        .innerJoin('projects as p', (join) =>
          join
            .onRef('p.organization_id', '=', 's.organization_id')
            .onRef('p.id', '=', 's.project_id'),
        )
        .select('s.id')
        .where('s.organization_id', '=', organizationId)
        .where('p.deleted_at', 'is', null)
        .where('s.name_key', '=', sql<string>`lower(${name.trim()})`)
        .orderBy('s.id')
        .execute();
      return rows.map((row) => row.id);
    },

    async withLiveTasks(organizationId, projectId, statusIds) {
      if (!isUuid(projectId) || statusIds.length === 0) return [];
      const { rows } = await sql<{ status_id: string }>`
        select distinct status_id from tasks
        where organization_id = ${organizationId}
          and project_id = ${projectId}
          and status_id in (${sql.join(statusIds)})
          and deleted_at is null
      `.execute(db);
      return rows.map((row) => row.status_id);
    },

    async replace(organizationId, projectId, plan, tasks) {
      await sql`
        set constraints project_statuses_name_key, project_statuses_position_key deferred
      `.execute(db);
      if (plan.kept.length > 0) {
        const rows = plan.kept.map(
          (s) => sql`(${s.id}::uuid, ${s.name}::text, ${s.category}::text, ${s.position}::int)`,
        );
        await sql`
          update project_statuses as s
          set name = v.name, category = v.category, position = v.position
          from (values ${sql.join(rows)}) as v (id, name, category, position)
          where s.organization_id = ${organizationId}
            and s.project_id = ${projectId}
            and s.id = v.id
        `.execute(db);
      }
      if (plan.recategorized.length > 0) {
        // completed_at follows the category (completedAtAfter): a status that became `done` marks
        // its tasks completed now, one that stopped being `done` clears them.
        // One `updated` history row per live task whose completed_at changes.
        await sql`
          with changing as (
            select t.id, t.completed_at, s.category from tasks as t
            join project_statuses as s on s.organization_id = t.organization_id and s.id = t.status_id
            where t.organization_id = ${organizationId}
              and t.project_id = ${projectId}
              and t.status_id in (${sql.join(plan.recategorized.map((status) => status.id))})
              and (s.category = 'done') = (t.completed_at is null)
          ),
          changed as (
            update tasks as t
            set completed_at = case when changing.category = 'done' then ${tasks.now}::timestamptz end,
                version = t.version + 1,
                updated_at = ${tasks.now}
            from changing
            where t.organization_id = ${organizationId} and t.id = changing.id
            returning t.id, t.deleted_at, changing.completed_at as completed_from, t.completed_at
          )
          insert into task_history (organization_id, id, task_id, actor_id, action, changes, at)
          select ${organizationId}::uuid, ${NEW_ID}, changed.id, ${tasks.actorId}::uuid, 'updated',
                 jsonb_build_object('completed_at', jsonb_build_object(
                   'from', ${isoTime(sql`changed.completed_from`)},
                   'to', ${isoTime(sql`changed.completed_at`)})),
                 ${tasks.now}::timestamptz
          from changed
          where changed.deleted_at is null
        `.execute(db);
      }
      if (plan.added.length > 0) {
        await db
          .insertInto('project_statuses')
          .values(
            plan.added.map((status) => ({
              organization_id: organizationId,
              id: status.id,
              project_id: projectId,
              name: status.name,
              category: status.category,
              position: status.position,
            })),
          )
          .execute();
      }
      let movedTasks = 0;
      if (plan.dropped.length > 0) {
        const receiver = plan.statuses.find((status) => status.id === tasks.receiverId);
        if (!receiver) throw new Error('The receiver of moved tasks must be in the new workflow');
        // The receiving column's lock, as creations and moves take it: positions never tie.
        await lockColumn(db, receiver.id);
        movedTasks = await moveTasks(organizationId, projectId, plan.dropped, {
          ...tasks,
          receiver,
        });
        await db
          .deleteFrom('project_statuses')
          .where('organization_id', '=', organizationId)
          .where('project_id', '=', projectId)
          .where(
            'id',
            'in',
            plan.dropped.map((status) => status.id),
          )
          .execute();
      }
      return { movedTasks };
    },
  };

  /**
   * Moves every task of the dropped statuses (deleted ones too: tasks.status_id must keep
   * pointing at a status) to the end of the receiver's column, in the order they stood (status by
   * status, then by position), and records one `moved` history entry per live task. One
   * statement; answers how many live tasks moved.
   */
  async function moveTasks(
    organizationId: string,
    projectId: string,
    dropped: readonly WorkflowStatus[],
    move: { receiver: WorkflowStatus; actorId: string; now: Date },
  ): Promise<number> {
    const receiverId = move.receiver.id;
    const isDone = move.receiver.category === 'done';
    const { rows } = await sql<{ task_id: string }>`
      with column_end as (
        select coalesce(max(position), 0) as position from tasks
        where organization_id = ${organizationId} and status_id = ${receiverId}::uuid
      ),
      leaving as (
        select t.id, t.status_id,
               row_number() over (order by s.position, t.position, t.id) as n
        from tasks as t
        join project_statuses as s on s.organization_id = t.organization_id and s.id = t.status_id
        where t.organization_id = ${organizationId}
          and t.project_id = ${projectId}
          and t.status_id in (${sql.join(dropped.map((status) => status.id))})
      ),
      moved as (
        update tasks as t
        set status_id = ${receiverId}::uuid,
            position = column_end.position + leaving.n * ${POSITION_GAP}::bigint,
            completed_at = case
              when ${isDone}::boolean then coalesce(t.completed_at, ${move.now}::timestamptz)
            end,
            version = t.version + 1,
            updated_at = ${move.now}
        from leaving, column_end
        where t.organization_id = ${organizationId} and t.id = leaving.id
        returning t.id, leaving.status_id as from_status_id, t.deleted_at
      )
      insert into task_history (organization_id, id, task_id, actor_id, action, changes, at)
      select ${organizationId}::uuid, ${NEW_ID}, moved.id, ${move.actorId}::uuid, 'moved',
             jsonb_build_object(
               'status_id', jsonb_build_object('from', moved.from_status_id, 'to', ${receiverId}::uuid)
             ),
             ${move.now}::timestamptz
      from moved
      where moved.deleted_at is null
      returning task_id
    `.execute(db);
    return rows.length;
  }
}
