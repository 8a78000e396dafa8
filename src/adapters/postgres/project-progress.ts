// A project's progress, counted in SQL by the query that reads the project (never by loading tasks).
import { sql } from 'kysely';
import type { ProjectProgress } from '../../domain/projects/project.js';

/** The tasks that count towards progress: live ones (a soft-deleted task counts nowhere). */
const COUNTED_TASKS = sql`(
  select organization_id, project_id, status_id from tasks where deleted_at is null
)`;

export interface ProgressColumns {
  todo: number;
  in_progress: number;
  done: number;
  total: number;
  percent_done: number;
}

/**
 * A lateral subquery (one row per project, aliased `progress`) counting the tasks of the project
 * row in `table` per status category, through the status each task is in.
 */
export const progressOf = (table: 'projects' | 'changed') =>
  sql<ProgressColumns>`lateral (
    select
      (count(*) filter (where s.category = 'todo'))::int as todo,
      (count(*) filter (where s.category = 'in_progress'))::int as in_progress,
      (count(*) filter (where s.category = 'done'))::int as done,
      count(*)::int as total,
      coalesce(100 * count(*) filter (where s.category = 'done') / nullif(count(*), 0), 0)::int
        as percent_done
    from ${COUNTED_TASKS} as t
    join project_statuses as s on s.organization_id = t.organization_id and s.id = t.status_id
    where t.organization_id = ${sql.ref(`${table}.organization_id`)}
      and t.project_id = ${sql.ref(`${table}.id`)}
  )`.as('progress');

export const PROGRESS_COLUMNS = [
  'progress.todo',
  'progress.in_progress',
  'progress.done',
  'progress.total',
  'progress.percent_done',
] as const;

export function toProgress(row: ProgressColumns): ProjectProgress {
  return {
    todo: row.todo,
    inProgress: row.in_progress,
    done: row.done,
    total: row.total,
    percentDone: row.percent_done,
  };
}
