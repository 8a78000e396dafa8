// Task placement: the per-column lock, the bottom of a column, and a position between neighbours.
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { TaskRepository } from '../../../application/tasks/ports.js';
import { ValidationError } from '../../../domain/shared/errors.js';
import { isUuid } from '../../../domain/shared/id.js';
import { POSITION_GAP, positionBetween } from '../../../domain/tasks/position.js';
import { advisoryXactLock, lockSalt } from '../advisory-lock.js';
import type { Db } from '../database.js';
import { defer } from '../wire/index.js';

/**
 * The column lock shared by creations and moves into one status (held until the commit). The key
 * is the status id as PostgreSQL prints a uuid, as app_task_column_bottom (migration 0010) takes it.
 */
const columnLock = (statusId: string) => advisoryXactLock(sql`${statusId}::uuid::text`);

/**
 * The last position of the live tasks of a column other than `exceptTask` (null when none):
 * app_task_column_bottom (migration 0010) takes the column lock, then reads the column with a
 * snapshot of its own, taken after the lock (the statement's predates its wait).
 */
export const columnLast = (
  organizationId: RawBuilder<unknown>,
  projectId: RawBuilder<unknown>,
  statusId: RawBuilder<unknown>,
  exceptTask: RawBuilder<unknown>,
) =>
  sql<
    number | null
  >`app_task_column_bottom(${organizationId}, ${projectId}, ${statusId}, ${exceptTask}, ${lockSalt()})`;

/**
 * The position below the other live tasks of the row's column (`statusId`'s when the UPDATE sets
 * it): positionBetween(last, null), the last + POSITION_GAP or the gap in an empty column.
 */
export const columnBottom = (statusId: string | undefined) =>
  sql<number>`coalesce(${columnLast(
    sql.ref('organization_id'),
    sql.ref('project_id'),
    statusId === undefined ? sql.ref('status_id') : sql`${statusId}::uuid`,
    sql.ref('id'),
  )}, 0) + ${POSITION_GAP}`;

/** Takes the column lock; on a pipelined transaction, in the trip of the next statement. */
export const lockColumn = (db: Db, statusId: string) =>
  defer(db, db.selectNoFrom(columnLock(statusId).as('locked')));
export function taskPlacement(db: Db): Pick<TaskRepository, 'positionFor'> {
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

  return {
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
        update tasks set position = r.rank * ${POSITION_GAP}::bigint
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
  };
}
