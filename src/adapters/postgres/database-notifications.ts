// Row types of the notification tables (migration 2026_12_05_0021).
import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json = ColumnType<Record<string, unknown>, string, string>;

export interface NotificationsTable {
  id: string;
  user_id: string;
  organization_id: string;
  kind: string;
  event_id: string;
  event_ids: ColumnType<string[], never, never>;
  event_type: string;
  actor_type: 'user' | 'apikey';
  actor_id: string;
  subject_type: string;
  subject_id: string | null;
  subject_key: string | null;
  project_id: string | null;
  task_id: string | null;
  count: ColumnType<number, never, never>;
  channels: ColumnType<string[], never, never>;
  deliver_after: Timestamp | null;
  first_at: Timestamp;
  last_at: Timestamp;
  read_at: Timestamp | null;
}

export interface NotificationPreferencesTable {
  organization_id: string;
  user_id: string;
  channels: Json;
  quiet_hours: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  updated_at: Timestamp;
}

export interface NotificationDefaultsTable {
  organization_id: string;
  channels: Json;
  updated_at: Timestamp;
}

export interface NotificationsTables {
  notifications: NotificationsTable;
  notification_preferences: NotificationPreferencesTable;
  notification_defaults: NotificationDefaultsTable;
}
