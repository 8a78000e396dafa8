// Task history: append-only rows written in the transaction of the change they record.
import { sql, type SqlBool } from 'kysely';
import type { TaskHistoryRepository } from '../../application/tasks/ports.js';
import type { Db } from './database.js';
import { NEW_ID } from './sql-values.js';
import { defer, QueryTemplates } from './wire/index.js';

/** The compiled inserts of every history repository (the same SQL for every connection). */
const templates = new QueryTemplates();

export function postgresTaskHistoryRepository(db: Db): TaskHistoryRepository {
  return {
    async append(entries) {
      if (entries.length === 0) return;
      // Nothing reads it back in the change's transaction: it rides ahead of the next statement.
      // Compiled once per number of rows (a change writes one; a bulk change, one per task).
      const rows = entries.map(
        (entry) =>
          [
            entry.organizationId,
            entry.id,
            entry.taskId,
            entry.actorId,
            entry.action,
            JSON.stringify(entry.changes),
            entry.at,
          ] as const,
      );
      const statement = templates.compileRows({ query: 'append' }, rows, (marked) =>
        db.insertInto('task_history').values(
          marked.map(([org, id, task, actor, action, changes, at]) => ({
            organization_id: org,
            id,
            task_id: task,
            actor_id: actor,
            action,
            changes,
            at,
          })),
        ),
      );
      await defer(db, statement);
    },

    async recordDetach(organizationId, detached, actorId, at) {
      const { rows } =
        'labelId' in detached
          ? await sql<{ task_id: string }>`
              with carrying as (
                select tl.task_id, (
                  select jsonb_agg(x.label_id::text order by x.label_id) from task_labels as x
                  where x.organization_id = tl.organization_id and x.task_id = tl.task_id
                ) as labels_from
                from task_labels as tl
                where tl.organization_id = ${organizationId} and tl.label_id = ${detached.labelId}
              ),
              bumped as (
                update tasks as t set version = t.version + 1, updated_at = ${at}
                from carrying
                where t.organization_id = ${organizationId} and t.id = carrying.task_id
                  and t.deleted_at is null
                returning t.id, carrying.labels_from
              )
              insert into task_history (organization_id, id, task_id, actor_id, action, changes, at)
              select ${organizationId}::uuid, ${NEW_ID}, bumped.id, ${actorId}::uuid, 'updated',
                     jsonb_build_object('labels', jsonb_build_object(
                       'from', bumped.labels_from,
                       'to', coalesce((
                         select jsonb_agg(e.value order by e.value)
                         from jsonb_array_elements_text(bumped.labels_from) as e (value)
                         where e.value <> ${detached.labelId}::text
                       ), '[]'::jsonb))),
                     ${at}::timestamptz
              from bumped
              returning task_id
            `.execute(db)
          : await sql<{ task_id: string }>`
              with bumped as (
                update tasks as t set version = t.version + 1, updated_at = ${at}
                where t.organization_id = ${organizationId} and t.type_id = ${detached.typeId}
                  and t.deleted_at is null
                returning t.id
              )
              insert into task_history (organization_id, id, task_id, actor_id, action, changes, at)
              select ${organizationId}::uuid, ${NEW_ID}, bumped.id, ${actorId}::uuid, 'updated',
                     jsonb_build_object('type_id', jsonb_build_object(
                       'from', ${detached.typeId}::text, 'to', null)),
                     ${at}::timestamptz
              from bumped
              returning task_id
            `.execute(db);
      return rows.length;
    },

    async list(organizationId, taskId, page) {
      let select = db
        .selectFrom('task_history')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .where('task_id', '=', taskId)
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(page.limit);
      if (page.after) {
        select = select.where(
          sql<SqlBool>`(at, id) < (${page.after.at}::timestamptz, ${page.after.id}::uuid)`,
        );
      }
      const rows = await select.execute();
      return rows.map((row) => ({
        id: row.id,
        organizationId: row.organization_id,
        taskId: row.task_id,
        actorId: row.actor_id ?? '',
        action: row.action,
        changes: row.changes,
        at: row.at,
      }));
    },
  };
}
