// A project's workflow statuses. Replacing the workflow renames and reorders the kept statuses in
// one UPDATE: the name and position constraints are DEFERRABLE, so they are checked at the end of
// the statement and two statuses may swap names or places.
import { sql } from 'kysely';
import type { ProjectStatusRepository } from '../../application/projects/ports.js';
import type { WorkflowStatus } from '../../domain/projects/workflow.js';
import type { Db } from './database.js';
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

    async replace(organizationId, projectId, plan) {
      if (plan.dropped.length > 0) {
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
    },
  };
}
