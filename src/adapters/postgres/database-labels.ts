// Row types of the labels tables (kept apart so areas can grow without touching database.ts).
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface LabelsTable {
  organization_id: string;
  id: string;
  name: string;
  /** `#rrggbb`, lower case. */
  color: string;
  description: Generated<string>;
  /** The acting user or API key. */
  created_by: string | null;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface LabelsTables {
  labels: LabelsTable;
}
