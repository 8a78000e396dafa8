// Tracking codes (migration 0031): issued in SQL by tracking_code_new (the project key and 50 bits
// from the operating system's CSPRNG), read across organizations by public_task_status.
import { sql } from 'kysely';
import type { PublicTaskStatus, TaskRepository } from '../../../application/tasks/ports.js';
import type { Db } from '../database.js';
import { defer } from '../wire/index.js';
import type { TaskQueries } from './reads.js';

export function taskTracking(
  db: Db,
  queries: TaskQueries,
): Pick<TaskRepository, 'issueTrackingCodes' | 'regenerateTrackingCode' | 'publicStatus'> {
  return {
    async issueTrackingCodes(organizationId, projectId) {
      const { numAffectedRows } = await sql`
        update tasks t set tracking_code = tracking_code_new(p.key)
        from projects p
        where t.organization_id = ${organizationId} and t.project_id = ${projectId}
          and t.tracking_code is null
          and p.organization_id = t.organization_id and p.id = t.project_id
      `.execute(db);
      return Number(numAffectedRows ?? 0);
    },

    async regenerateTrackingCode(organizationId, id, now) {
      await defer(
        db,
        sql`
          update tasks t set tracking_code = tracking_code_new(p.key), version = t.version + 1,
            updated_at = ${now}::timestamptz
          from projects p
          where t.organization_id = ${organizationId} and t.id = ${id}
            and p.organization_id = t.organization_id and p.id = t.project_id
        `.compile(db),
      );
      return queries.findById(organizationId, id);
    },

    async publicStatus(code) {
      const { rows } = await sql<{
        tracking_code: string;
        title: string;
        status: string;
        status_category: PublicTaskStatus['statusCategory'];
        updated_at: Date;
      }>`select * from public_task_status(${code})`.execute(db);
      const row = rows[0];
      if (row === undefined) return undefined;
      return {
        trackingCode: row.tracking_code,
        title: row.title,
        status: row.status,
        statusCategory: row.status_category,
        updatedAt: row.updated_at,
      };
    },
  };
}
