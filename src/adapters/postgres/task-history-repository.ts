// Task history: append-only rows written in the transaction of the change they record.
import { sql, type SqlBool } from 'kysely';
import type { TaskHistoryRepository } from '../../application/tasks/ports.js';
import type { Db } from './database.js';

export function postgresTaskHistoryRepository(db: Db): TaskHistoryRepository {
  return {
    async append(entries) {
      if (entries.length === 0) return;
      await db
        .insertInto('task_history')
        .values(
          entries.map((entry) => ({
            organization_id: entry.organizationId,
            id: entry.id,
            task_id: entry.taskId,
            actor_id: entry.actorId,
            action: entry.action,
            changes: JSON.stringify(entry.changes),
            at: entry.at,
          })),
        )
        .execute();
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
