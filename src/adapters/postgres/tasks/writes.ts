// Task writes: creating a task (number, position and labels in one statement), updates, deletion.
import { sql } from 'kysely';
import type { TaskChanges, TaskRepository } from '../../../application/tasks/ports.js';
import { ValidationError } from '../../../domain/shared/errors.js';
import { POSITION_GAP } from '../../../domain/tasks/position.js';
import type { Db } from '../database.js';
import { defer } from '../wire/index.js';
import { columnBottom, columnLast } from './placement.js';
import type { TaskQueries } from './reads.js';
import { priorityColumn, toTask, type TaskRow } from './rows.js';

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

export function taskWrites(
  db: Db,
  queries: TaskQueries,
): Pick<TaskRepository, 'create' | 'update' | 'setDeleted'> {
  const { findById } = queries;
  const writeLabels = async (
    organizationId: string,
    taskId: string,
    labels: readonly string[],
    replace: boolean,
  ) => {
    if (replace) {
      await defer(
        db,
        db
          .deleteFrom('task_labels')
          .where('organization_id', '=', organizationId)
          .where('task_id', '=', taskId),
      );
    }
    if (labels.length === 0) return;
    await defer(
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

  return {
    async create(task) {
      // One statement, so a project's creations queue on its row for one round trip (then the
      // history and audit rows ride with the COMMIT). It takes the project row (the key's
      // number) and then the column's lock, in that order as always: app_task_column_bottom
      // (migration 0010; the new id it leaves out is in no column yet) runs for the row the
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
            returning key, next_task_number - 1 as number, public_lookup
          ), inserted as (
            insert into tasks (
              organization_id, id, project_id, number, title, description, type_id, status_id,
              priority, assignee_id, reporter_id, parent_id, due_at, estimate_hours, actual_hours,
              position, created_at, updated_at, completed_at, tracking_code
            )
            select ${organizationId}::uuid, ${task.id}::uuid, ${projectId}::uuid, counter.number,
              ${task.title}::text, ${task.description}::text, ${task.typeId}::uuid,
              ${statusId}::uuid, ${priorityColumn(task.priority)}::smallint,
              ${task.assigneeId}::uuid, ${task.reporterId}::uuid, ${task.parentId}::uuid,
              ${task.dueAt}::timestamptz, ${task.estimateHours}::double precision, null,
              coalesce(${columnLast(
                sql`${organizationId}::uuid`,
                sql`${projectId}::uuid`,
                sql`${statusId}::uuid`,
                sql`${task.id}::uuid`,
              )}, 0) + ${POSITION_GAP}, ${task.now}::timestamptz,
              ${task.now}::timestamptz, ${task.completedAt}::timestamptz,
              case when counter.public_lookup then tracking_code_new(counter.key) end
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
            t.updated_at, t.completed_at, t.deleted_at, t.tracking_code
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
        await defer(
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

    async setDeleted(organizationId, id, deletedAt, now) {
      await defer(
        db,
        db
          .updateTable('tasks')
          .set({ deleted_at: deletedAt, version: sql`version + 1`, updated_at: now })
          .where('organization_id', '=', organizationId)
          .where('id', '=', id),
      );
      return findById(organizationId, id);
    },
  };
}
