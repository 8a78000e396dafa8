// Task comments, oldest first on (created_at, id) — the task_comments_task_idx order.
import { sql, type Selectable, type SqlBool } from 'kysely';
import type { TaskCommentRepository } from '../../application/tasks/comments-ports.js';
import type { TaskComment } from '../../domain/tasks/comment.js';
import { isUuid } from '../../domain/shared/id.js';
import type { Db } from './database.js';
import type { TaskCommentsTable } from './database-tasks.js';

type CommentRow = Omit<Selectable<TaskCommentsTable>, 'search_vector'>;

const COLUMNS = [
  'organization_id',
  'id',
  'task_id',
  'author_id',
  'body',
  'version',
  'created_at',
  'updated_at',
] as const;

function toComment(row: CommentRow): TaskComment {
  return {
    id: row.id,
    organizationId: row.organization_id,
    taskId: row.task_id,
    authorId: row.author_id,
    body: row.body,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function postgresTaskCommentRepository(db: Db): TaskCommentRepository {
  return {
    async list(organizationId, taskId, page) {
      let select = db
        .selectFrom('task_comments')
        .select(COLUMNS)
        .where('organization_id', '=', organizationId)
        .where('task_id', '=', taskId)
        .orderBy('created_at')
        .orderBy('id')
        .limit(page.limit);
      if (page.after) {
        select = select.where(
          sql<SqlBool>`(created_at, id) > (${page.after.createdAt}::timestamptz, ${page.after.id}::uuid)`,
        );
      }
      return (await select.execute()).map(toComment);
    },

    async find(organizationId, taskId, id, options = {}) {
      if (!isUuid(id)) return undefined;
      let select = db
        .selectFrom('task_comments')
        .select(COLUMNS)
        .where('organization_id', '=', organizationId)
        .where('task_id', '=', taskId)
        .where('id', '=', id);
      if (options.forUpdate) select = select.forUpdate();
      const row = await select.executeTakeFirst();
      return row && toComment(row);
    },

    async create(comment) {
      const row = await db
        .insertInto('task_comments')
        .values({
          organization_id: comment.organizationId,
          id: comment.id,
          task_id: comment.taskId,
          author_id: comment.authorId,
          body: comment.body,
          created_at: comment.now,
          updated_at: comment.now,
        })
        .returning(COLUMNS)
        .executeTakeFirstOrThrow();
      return toComment(row);
    },

    async update(organizationId, id, body, now) {
      const row = await db
        .updateTable('task_comments')
        .set({ body, version: sql`version + 1`, updated_at: now })
        .where('organization_id', '=', organizationId)
        .where('id', '=', id)
        .returning(COLUMNS)
        .executeTakeFirstOrThrow();
      return toComment(row);
    },

    async delete(organizationId, id) {
      if (!isUuid(id)) return false;
      const result = await db
        .deleteFrom('task_comments')
        .where('organization_id', '=', organizationId)
        .where('id', '=', id)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}
