// Task rows: the row a task read answers, mapped to the domain's Task, and priorities as stored.
import { sql, type RawBuilder } from 'kysely';
import { PRIORITIES, taskKey, type Priority, type Task } from '../../../domain/tasks/task.js';
import type { PriorityColumn } from '../database-tasks.js';

export const priorityColumn = (priority: Priority) =>
  (PRIORITIES.indexOf(priority) + 1) as PriorityColumn;
export const priorityOf = (column: number): Priority => PRIORITIES[column - 1] ?? 'medium';
/** priorityOf in SQL: the priority a stored column number stands for, from PRIORITIES. */
export const priorityName = (column: RawBuilder<unknown>) =>
  sql<Priority>`(array[${sql.join(PRIORITIES.map((priority) => sql.lit(priority)))}])[${column}]`;

export interface TaskRow {
  organization_id: string;
  id: string;
  project_id: string;
  project_key: string;
  number: number;
  title: string;
  description: string;
  type_id: string | null;
  type_name: string | null;
  status_id: string;
  status_category: Task['statusCategory'];
  priority: number;
  assignee_id: string | null;
  reporter_id: string;
  parent_id: string | null;
  labels: string[] | null;
  due_at: Date | null;
  estimate_hours: number | null;
  actual_hours: number | null;
  position: string | number | bigint;
  version: number;
  created_at: Date;
  updated_at: Date;
  completed_at: Date | null;
  deleted_at: Date | null;
  /** Null unless the project has public_lookup (the reads answer it so). */
  tracking_code: string | null;
}

export function toTask(row: TaskRow): Task {
  return {
    id: row.id,
    organizationId: row.organization_id,
    projectId: row.project_id,
    key: taskKey(row.project_key, row.number),
    number: row.number,
    title: row.title,
    description: row.description,
    typeId: row.type_id,
    type: row.type_name,
    statusId: row.status_id,
    statusCategory: row.status_category,
    priority: priorityOf(row.priority),
    assigneeId: row.assignee_id,
    reporterId: row.reporter_id,
    parentId: row.parent_id,
    labels: row.labels ?? [],
    dueAt: row.due_at,
    estimateHours: row.estimate_hours === null ? null : Number(row.estimate_hours),
    actualHours: row.actual_hours === null ? null : Number(row.actual_hours),
    position: Number(row.position),
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    completedAt: row.completed_at,
    deletedAt: row.deleted_at,
    trackingCode: row.tracking_code,
  };
}
