// Row types of the projects tables (kept apart so areas can grow without touching database.ts).
import type { ColumnType, Generated, GeneratedAlways } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export type StatusCategoryColumn = 'todo' | 'in_progress' | 'done';

export interface ProjectsTable {
  organization_id: string;
  id: string;
  name: string;
  key: string;
  description: Generated<string>;
  public_lookup: Generated<boolean>;
  /** The acting user or API key. */
  created_by: string | null;
  /** The number the next task of the project gets (RE-<n>); tasks allocate it with UPDATE … RETURNING. */
  next_task_number: Generated<number>;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
  deleted_at: Timestamp | null;
}

export interface ProjectStatusesTable {
  organization_id: string;
  id: string;
  project_id: string;
  name: string;
  /** lower(name), for the deferrable uniqueness constraint. */
  name_key: GeneratedAlways<string>;
  category: StatusCategoryColumn;
  position: number;
}

export interface TaskTypesTable {
  organization_id: string;
  id: string;
  project_id: string;
  name: string;
  version: Generated<number>;
  created_at: Timestamp;
}

export interface ProjectsTables {
  projects: ProjectsTable;
  project_statuses: ProjectStatusesTable;
  task_types: TaskTypesTable;
}
