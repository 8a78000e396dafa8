// A project's task types. Names are unique in the project, whatever their case. A rename bumps the
// version; with an expected version it matches the row only at that version (a miss is a 412).
import type { Selectable } from 'kysely';
import type { TaskTypeRepository } from '../../application/projects/ports.js';
import type { TaskType } from '../../domain/projects/task-type.js';
import { advisoryXactLock } from './advisory-lock.js';
import type { Db } from './database.js';
import type { TaskTypesTable } from './database-projects.js';
import { conflictOnUnique, versionMissOrGone } from './errors.js';
import { isUuid } from '../../domain/shared/id.js';
import { defer } from './wire/index.js';

const NAME_TAKEN = 'The project has a task type with this name';

function toTaskType(row: Selectable<TaskTypesTable>): TaskType {
  return {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    version: row.version,
    createdAt: row.created_at,
  };
}

export function postgresTaskTypeRepository(db: Db): TaskTypeRepository {
  const types = (organizationId: string, projectId: string) =>
    db
      .selectFrom('task_types')
      .selectAll()
      .where('organization_id', '=', organizationId)
      .where('project_id', '=', projectId);

  return {
    async list(organizationId, projectId) {
      if (!isUuid(projectId)) return [];
      const rows = await types(organizationId, projectId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toTaskType);
    },

    async find(organizationId, projectId, id) {
      if (!isUuid(projectId) || !isUuid(id)) return undefined;
      const row = await types(organizationId, projectId).where('id', '=', id).executeTakeFirst();
      return row && toTaskType(row);
    },

    async countLocked(organizationId, projectId) {
      const key = `${organizationId}:${projectId}:task-types`;
      // Its own statement ahead of the count, so the count's snapshot is taken after the wait.
      await defer(db, db.selectNoFrom(advisoryXactLock(key).as('locked')));
      const row = await db
        .selectFrom('task_types')
        .select((eb) => eb.fn.countAll<string>().as('count'))
        .where('organization_id', '=', organizationId)
        .where('project_id', '=', projectId)
        .executeTakeFirstOrThrow();
      return Number(row.count);
    },

    async create(type) {
      const row = await conflictOnUnique(
        () =>
          db
            .insertInto('task_types')
            .values({
              organization_id: type.organizationId,
              id: type.id,
              project_id: type.projectId,
              name: type.name,
              created_at: type.now,
            })
            .returningAll()
            .executeTakeFirstOrThrow(),
        NAME_TAKEN,
      );
      return toTaskType(row);
    },

    async rename(organizationId, projectId, id, name, expectedVersion) {
      if (!isUuid(projectId) || !isUuid(id)) return undefined;
      const write = () => {
        let query = db
          .updateTable('task_types')
          .set((eb) => ({ name, version: eb('version', '+', 1) }))
          .where('organization_id', '=', organizationId)
          .where('project_id', '=', projectId)
          .where('id', '=', id);
        if (expectedVersion !== undefined) query = query.where('version', '=', expectedVersion);
        return query.returningAll().executeTakeFirst();
      };
      const row = await conflictOnUnique(write, NAME_TAKEN);
      if (row) return toTaskType(row);
      return versionMissOrGone(expectedVersion, () =>
        types(organizationId, projectId).where('id', '=', id).executeTakeFirst(),
      );
    },

    async delete(organizationId, projectId, id) {
      if (!isUuid(projectId) || !isUuid(id)) return false;
      const result = await db
        .deleteFrom('task_types')
        .where('organization_id', '=', organizationId)
        .where('project_id', '=', projectId)
        .where('id', '=', id)
        .executeTakeFirst();
      return result.numDeletedRows === 1n;
    },
  };
}
