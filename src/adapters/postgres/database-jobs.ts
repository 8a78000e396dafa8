// Row types of the jobs table (migration 2026_12_05_0019). The application role only inserts;
// the workers' reads and changes go through the table's SECURITY DEFINER functions.
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface JobsTable {
  id: string;
  kind: string;
  payload: ColumnType<unknown, string, string>;
  organization_id: string | null;
  run_at: Timestamp;
  attempts: Generated<number>;
  max_attempts: number;
  last_error: string | null;
  locked_until: Timestamp | null;
  locked_by: string | null;
  dead_at: Timestamp | null;
  created_at: Timestamp;
}

export interface JobsTables {
  jobs: JobsTable;
}
