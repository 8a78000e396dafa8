// Task relations: one row per relation in its forward sense. A task's list joins the other task
// (for its key and title) and leaves out deleted ones; the blocking-cycle check walks `blocks`
// rows with a recursive CTE under an organization-wide lock, so two creations cannot close a
// cycle together.
import { sql, type Selectable, type SqlBool } from 'kysely';
import type {
  RelationVisibility,
  TaskRelationRepository,
} from '../../application/tasks/relations-ports.js';
import { isUuid } from '../../domain/shared/id.js';
import { relationSeenFrom, type TaskRelation } from '../../domain/tasks/relation.js';
import { taskKey } from '../../domain/tasks/task.js';
import { advisoryXactLock } from './advisory-lock.js';
import type { Db } from './database.js';
import type { TaskRelationsTable } from './database-tasks.js';
import { conflictOnUnique } from './errors.js';
import { defer, QueryTemplates } from './wire/index.js';

function toRelation(row: Selectable<TaskRelationsTable>): TaskRelation {
  return {
    id: row.id,
    organizationId: row.organization_id,
    sourceTaskId: row.source_task_id,
    targetTaskId: row.target_task_id,
    type: row.type,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

function visibleOther(visibleTo: RelationVisibility | undefined) {
  const conditions = [sql<SqlBool>`o.deleted_at is null`];
  if (visibleTo?.reporterId !== undefined) {
    conditions.push(sql<SqlBool>`o.reporter_id = ${visibleTo.reporterId}`);
  }
  if (visibleTo?.ownedBy !== undefined) {
    conditions.push(
      sql<SqlBool>`(o.reporter_id = ${visibleTo.ownedBy} or o.assignee_id = ${visibleTo.ownedBy})`,
    );
  }
  return sql<SqlBool>`${sql.join(conditions, sql` and `)}`;
}

/** The compiled reads of every relation repository (the SQL is the same for every connection). */
const templates = new QueryTemplates();

export function postgresTaskRelationRepository(db: Db): TaskRelationRepository {
  const relations = (organizationId: string) =>
    db.selectFrom('task_relations').selectAll().where('organization_id', '=', organizationId);

  return {
    async listFor(organizationId, taskId, visibleTo) {
      // The shape: which of the visibility's fields are given; the statement is compiled once each.
      const seenBy = (['reporterId', 'ownedBy'] as const).filter(
        (name) => visibleTo?.[name] !== undefined,
      );
      const statement = templates.compile(
        { query: 'list-for', seenBy },
        [organizationId, taskId, ...seenBy.map((name) => visibleTo![name])] as const,
        (organization, task, ...actors) =>
          db
            .selectFrom('task_relations as r')
            .innerJoin('tasks as o', (join) =>
              join.onRef('o.organization_id', '=', 'r.organization_id').on(
                sql<SqlBool>`o.id = case when r.source_task_id = ${task}::uuid
                    then r.target_task_id else r.source_task_id end`,
              ),
            )
            .innerJoin('projects as p', (join) =>
              join
                .onRef('p.organization_id', '=', 'o.organization_id')
                .onRef('p.id', '=', 'o.project_id'),
            )
            .select([
              'r.id',
              'r.source_task_id',
              'r.target_task_id',
              'r.type',
              'r.created_by',
              'r.created_at',
              'p.key as project_key',
              'o.number',
              'o.title',
            ])
            .where('r.organization_id', '=', organization)
            .where((eb) =>
              eb.or([eb('r.source_task_id', '=', task), eb('r.target_task_id', '=', task)]),
            )
            .where(visibleOther(Object.fromEntries(seenBy.map((name, i) => [name, actors[i]]))))
            .orderBy('r.created_at')
            .orderBy('r.id'),
      );
      const { rows } = await db.executeQuery(statement);
      return rows.flatMap((row) => {
        const seen = relationSeenFrom(
          { sourceTaskId: row.source_task_id, targetTaskId: row.target_task_id, type: row.type },
          taskId,
        );
        if (!seen) return [];
        return [
          {
            id: row.id,
            type: seen.type,
            taskId: seen.otherTaskId,
            taskKey: taskKey(row.project_key, row.number),
            taskTitle: row.title,
            createdBy: row.created_by,
            createdAt: row.created_at,
          },
        ];
      });
    },

    async find(organizationId, id) {
      if (!isUuid(id)) return undefined;
      const row = await relations(organizationId).where('id', '=', id).executeTakeFirst();
      return row && toRelation(row);
    },

    async findBetween(organizationId, taskId, otherTaskId, type) {
      const row = await relations(organizationId)
        .where('type', '=', type)
        .where((eb) =>
          eb.or([
            eb.and([eb('source_task_id', '=', taskId), eb('target_task_id', '=', otherTaskId)]),
            eb.and([eb('source_task_id', '=', otherTaskId), eb('target_task_id', '=', taskId)]),
          ]),
        )
        .orderBy('created_at')
        .executeTakeFirst();
      return row && toRelation(row);
    },

    async blocksTransitively(organizationId, fromTaskId, toTaskId) {
      // `union` (not `union all`) stops at tasks already reached, so the walk ends on any graph.
      const { rows } = await sql<{ found: boolean }>`
        with recursive blocked (task_id) as (
          select target_task_id from task_relations
          where organization_id = ${organizationId} and type = 'blocks'
            and source_task_id = ${fromTaskId}
          union
          select r.target_task_id from task_relations as r
          join blocked as b on r.source_task_id = b.task_id
          where r.organization_id = ${organizationId} and r.type = 'blocks'
        )
        select exists (select 1 from blocked where task_id = ${toTaskId}::uuid) as found
      `.execute(db);
      return rows[0]?.found === true;
    },

    async lockForCreation(organizationId, type, taskId, otherTaskId) {
      const [first, second] = [taskId, otherTaskId].sort();
      const key =
        type === 'blocks'
          ? `${organizationId}:blocks`
          : `${organizationId}:relation:${first ?? ''}:${second ?? ''}`;
      await sql`select pg_advisory_xact_lock(hashtextextended(${key}::text, 0))`.execute(db);
    },

    async countLocked(organizationId, taskIds) {
      // Every creation takes its tasks' locks in id order, so two never wait on each other. Each
      // lock is a statement of its own ahead of the count, whose snapshot follows the waits.
      for (const taskId of [...new Set(taskIds)].sort()) {
        const key = `${organizationId}:${taskId}:relations`;
        await defer(db, db.selectNoFrom(advisoryXactLock(key).as('locked')));
      }
      const involving = (taskId: string) =>
        sql<SqlBool>`(source_task_id = ${taskId} or target_task_id = ${taskId})`;
      const row: Record<string, unknown> = await db
        .selectFrom('task_relations')
        .select(
          taskIds.map((taskId, i) =>
            sql<string>`count(*) filter (where ${involving(taskId)})`.as(`n${i}`),
          ),
        )
        .where('organization_id', '=', organizationId)
        .where(sql<SqlBool>`(${sql.join(taskIds.map(involving), sql` or `)})`)
        .executeTakeFirstOrThrow();
      return taskIds.map((_, i) => Number(row[`n${i}`]));
    },

    async create(relation) {
      const row = await conflictOnUnique(
        () =>
          db
            .insertInto('task_relations')
            .values({
              organization_id: relation.organizationId,
              id: relation.id,
              source_task_id: relation.sourceTaskId,
              target_task_id: relation.targetTaskId,
              type: relation.type,
              created_by: relation.createdBy,
              created_at: relation.createdAt,
            })
            .returningAll()
            .executeTakeFirstOrThrow(),
        `The tasks already have a ${relation.type} relation`,
      );
      return toRelation(row);
    },

    async delete(organizationId, id) {
      if (!isUuid(id)) return false;
      const result = await db
        .deleteFrom('task_relations')
        .where('organization_id', '=', organizationId)
        .where('id', '=', id)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}
