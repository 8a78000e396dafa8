// Task watchers: one row per (task, user). Lists show only watchers who are still members of the
// organization (a member who leaves keeps the row, and watches again on rejoining).
import { sql, type SqlBool } from 'kysely';
import type { TaskWatcher, TaskWatcherRepository } from '../../application/tasks/watchers-ports.js';
import { isUuid } from '../../domain/shared/id.js';
import type { Db } from './database.js';

interface WatcherRow {
  task_id: string;
  user_id: string;
  name: string;
  created_at: Date;
}

const toWatcher = (row: WatcherRow): TaskWatcher => ({
  taskId: row.task_id,
  userId: row.user_id,
  name: row.name,
  addedAt: row.created_at,
});

export function postgresTaskWatcherRepository(db: Db): TaskWatcherRepository {
  const watchers = (organizationId: string, taskId: string) =>
    db
      .selectFrom('task_watchers as w')
      .innerJoin('memberships as m', (join) =>
        join
          .onRef('m.organization_id', '=', 'w.organization_id')
          .onRef('m.user_id', '=', 'w.user_id'),
      )
      .innerJoin('users as u', 'u.id', 'w.user_id')
      .select(['w.task_id', 'w.user_id', 'u.name', 'w.created_at'])
      .where('w.organization_id', '=', organizationId)
      .where('w.task_id', '=', taskId);

  return {
    async list(organizationId, taskId, page) {
      let select = watchers(organizationId, taskId)
        .orderBy('w.created_at')
        .orderBy('w.user_id')
        .limit(page.limit);
      if (page.after) {
        select = select.where(
          sql<SqlBool>`(w.created_at, w.user_id) > (${page.after.addedAt}::timestamptz, ${page.after.userId}::uuid)`,
        );
      }
      return (await select.execute()).map(toWatcher);
    },

    async find(organizationId, taskId, userId) {
      if (!isUuid(userId)) return undefined;
      const row = await watchers(organizationId, taskId)
        .where('w.user_id', '=', userId)
        .executeTakeFirst();
      return row && toWatcher(row);
    },

    async add(organizationId, taskId, userId, now) {
      const inserted = await db
        .insertInto('task_watchers')
        .values({
          organization_id: organizationId,
          task_id: taskId,
          user_id: userId,
          created_at: now,
        })
        .onConflict((conflict) =>
          conflict.columns(['organization_id', 'task_id', 'user_id']).doNothing(),
        )
        .returning('user_id')
        .executeTakeFirst();
      return inserted !== undefined;
    },

    async remove(organizationId, taskId, userId) {
      if (!isUuid(userId)) return false;
      const result = await db
        .deleteFrom('task_watchers')
        .where('organization_id', '=', organizationId)
        .where('task_id', '=', taskId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    async userIds(organizationId, taskId) {
      const rows = await db
        .selectFrom('task_watchers')
        .select('user_id')
        .where('organization_id', '=', organizationId)
        .where('task_id', '=', taskId)
        .orderBy('created_at')
        .orderBy('user_id')
        .execute();
      return rows.map((row) => row.user_id);
    },
  };
}
