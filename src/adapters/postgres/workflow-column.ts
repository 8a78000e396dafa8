// A project's workflow as a column of another read: its project's row (a create), or a task's row
// (a move or a status change), so the statuses come in the same round trip.
import { sql } from 'kysely';
import type { WorkflowStatus } from '../../domain/projects/workflow.js';

/**
 * The workflow of the project of the row in scope, in order, as a JSON array of WorkflowStatus: a
 * column that a read of a project or a task carries, so the statuses come in the same trip.
 * `organizationId` and `projectId` name the outer query's columns.
 */
export const workflowColumn = (organizationId: string, projectId: string) =>
  sql<WorkflowStatus[]>`(
    select coalesce(json_agg(json_build_object(
      'id', ws.id, 'name', ws.name, 'category', ws.category, 'position', ws.position
    ) order by ws.position), '[]')
    from project_statuses as ws
    where ws.organization_id = ${sql.ref(organizationId)} and ws.project_id = ${sql.ref(projectId)}
  )`.as('statuses');
