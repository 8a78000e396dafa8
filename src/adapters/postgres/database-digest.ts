// Row types of the daily digest's record (migration 2026_12_05_0023).
import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface DigestRunsTable {
  organization_id: string;
  user_id: string;
  /** A date: written as 'YYYY-MM-DD'. */
  local_date: ColumnType<unknown, string, string>;
  created_at: Timestamp;
}

export interface DigestTables {
  digest_runs: DigestRunsTable;
}
