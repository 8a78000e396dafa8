// Task rows written and read with plain SQL, for tests of what other features do to tasks
// (workflow changes, progress) without going through the tasks feature itself. Each call runs in
// a transaction scoped to the organization, so it works as the application role (row-level
// security) as well as the owner.
import { sql } from 'kysely';
import type { Db } from '../../src/adapters/postgres/database.js';

export interface TaskRowFields {
  readonly projectId: string;
  readonly statusId: string;
  readonly position?: number;
  readonly completedAt?: Date | null;
  readonly deletedAt?: Date | null;
  readonly title?: string;
}

export interface TaskRow {
  readonly id: string;
  readonly statusId: string;
  readonly position: number;
  readonly version: number;
  readonly updatedAt: Date;
  readonly completedAt: Date | null;
  readonly deletedAt: Date | null;
}

export interface TaskHistoryRow {
  readonly id: string;
  readonly taskId: string;
  readonly actorId: string | null;
  readonly action: string;
  readonly changes: unknown;
  readonly at: Date;
}

/** Task numbers unique across the test file (its database is its own). */
let numberSeq = 0;

const CREATED_AT = new Date('2026-01-05T10:00:00.000Z');

export function inOrganization<T>(
  db: Db,
  organizationId: string,
  work: (trx: Db) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`select set_config('app.organization_id', ${organizationId}, true)`.execute(trx);
    return work(trx);
  });
}

/** Inserts the tasks (version 1, created and updated at CREATED_AT); answers their ids in order. */
export async function insertTasks(
  db: Db,
  organizationId: string,
  tasks: readonly TaskRowFields[],
): Promise<string[]> {
  const ids = tasks.map(() => crypto.randomUUID());
  await inOrganization(db, organizationId, async (trx) => {
    for (const [index, task] of tasks.entries()) {
      numberSeq += 1;
      await sql`
        insert into tasks (organization_id, id, project_id, number, title, status_id, reporter_id,
                           position, created_at, updated_at, completed_at, deleted_at)
        values (${organizationId}::uuid, ${ids[index]}::uuid, ${task.projectId}::uuid,
                ${numberSeq}, ${task.title ?? `Task ${numberSeq}`}, ${task.statusId}::uuid,
                ${crypto.randomUUID()}::uuid, ${task.position ?? (index + 1) * 65_536},
                ${CREATED_AT}::timestamptz, ${CREATED_AT}::timestamptz,
                ${task.completedAt ?? null}::timestamptz, ${task.deletedAt ?? null}::timestamptz)
      `.execute(trx);
    }
  });
  return ids;
}

/** The tasks, in the order of `ids`. */
export async function readTasks(
  db: Db,
  organizationId: string,
  ids: readonly string[],
): Promise<TaskRow[]> {
  const { rows } = await inOrganization(db, organizationId, (trx) =>
    sql<{
      id: string;
      status_id: string;
      position: string | number;
      version: number;
      updated_at: Date;
      completed_at: Date | null;
      deleted_at: Date | null;
    }>`
      select id, status_id, position, version, updated_at, completed_at, deleted_at
      from tasks where id in (${sql.join(ids)})
    `.execute(trx),
  );
  return ids.map((id) => {
    const row = rows.find((r) => r.id === id);
    if (!row) throw new Error(`No task ${id}`);
    return {
      id: row.id,
      statusId: row.status_id,
      position: Number(row.position),
      version: row.version,
      updatedAt: new Date(row.updated_at),
      completedAt: row.completed_at && new Date(row.completed_at),
      deletedAt: row.deleted_at && new Date(row.deleted_at),
    };
  });
}

/** Every history entry of the organization's tasks, by task then time. */
export async function readTaskHistory(db: Db, organizationId: string): Promise<TaskHistoryRow[]> {
  const { rows } = await inOrganization(db, organizationId, (trx) =>
    sql<{
      id: string;
      task_id: string;
      actor_id: string | null;
      action: string;
      changes: unknown;
      at: Date;
    }>`
      select id, task_id, actor_id, action, changes, at
      from task_history where organization_id = ${organizationId}::uuid
      order by task_id, at, id
    `.execute(trx),
  );
  return rows.map((row) => ({
    id: row.id,
    taskId: row.task_id,
    actorId: row.actor_id,
    action: row.action,
    changes: row.changes,
    at: new Date(row.at),
  }));
}
