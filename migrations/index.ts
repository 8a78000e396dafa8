// Every migration, in order. A static list works the same from TypeScript sources and the build.
import type { Migration } from 'kysely';
import * as m0001 from './2026_11_23_0001_identity_and_organizations.js';
import * as m0002 from './2026_11_23_0002_access_control.js';
import * as m0003 from './2026_11_23_0003_projects.js';
import * as m0004 from './2026_11_23_0004_labels.js';
import * as m0005 from './2026_11_23_0005_idempotency.js';
import * as m0006 from './2026_11_23_0006_tasks.js';
import * as m0007 from './2026_11_23_0007_task_search.js';
import * as m0008 from './2026_12_04_0008_task_column_bottom.js';
import * as m0009 from './2026_12_04_0009_task_column_bottom_except.js';
import * as m0010 from './2026_12_05_0010_task_column_bottom_salt.js';
import * as m0011 from './2026_12_05_0011_created_history_as_diff.js';
import * as m0012 from './2026_12_05_0012_row_versions.js';
import * as m0013 from './2026_12_05_0013_default_task_types.js';
import * as m0015 from './2026_12_05_0015_events.js';
import * as m0016 from './2026_12_05_0016_event_dispatch.js';
import * as m0017 from './2026_12_05_0017_task_event_order.js';
import * as m0019 from './2026_12_05_0019_jobs.js';
import * as m0020 from './2026_12_05_0020_webhooks.js';
import * as m0021 from './2026_12_05_0021_notifications.js';
import * as m0022 from './2026_12_05_0022_phone_numbers.js';
import * as m0023 from './2026_12_05_0023_digest.js';
import * as m0024 from './2026_12_05_0024_event_free_transactions.js';
import * as m0025 from './2026_12_05_0025_webhook_subscribers.js';
import * as m0027 from './2026_12_05_0027_webhook_delivery_retention.js';
import * as m0028 from './2026_12_05_0028_monotonic_event_horizon.js';
import * as m0029 from './2026_12_05_0029_digest_run_retention.js';
import * as m0030 from './2026_12_06_0030_attachments.js';
import * as m0031 from './2026_12_06_0031_tracking_codes.js';
import * as m0032 from './2026_12_06_0032_assignment_rules.js';
import * as m0033 from './2026_12_06_0033_task_started_at.js';
import * as m0034 from './2026_12_06_0034_task_rollups.js';
import * as m0035 from './2026_12_06_0035_outbox_head_except.js';
import * as m0036 from './2026_12_06_0036_plpgsql_event_horizon.js';
import * as m0037 from './2026_12_06_0037_event_consumer_cursors.js';

export const migrations: Record<string, Migration> = {
  '2026_11_23_0001_identity_and_organizations': m0001,
  '2026_11_23_0002_access_control': m0002,
  '2026_11_23_0003_projects': m0003,
  '2026_11_23_0004_labels': m0004,
  '2026_11_23_0005_idempotency': m0005,
  '2026_11_23_0006_tasks': m0006,
  '2026_11_23_0007_task_search': m0007,
  '2026_12_04_0008_task_column_bottom': m0008,
  '2026_12_04_0009_task_column_bottom_except': m0009,
  '2026_12_05_0010_task_column_bottom_salt': m0010,
  '2026_12_05_0011_created_history_as_diff': m0011,
  '2026_12_05_0012_row_versions': m0012,
  '2026_12_05_0013_default_task_types': m0013,
  '2026_12_05_0015_events': m0015,
  '2026_12_05_0016_event_dispatch': m0016,
  '2026_12_05_0017_task_event_order': m0017,
  '2026_12_05_0019_jobs': m0019,
  '2026_12_05_0020_webhooks': m0020,
  '2026_12_05_0021_notifications': m0021,
  '2026_12_05_0022_phone_numbers': m0022,
  '2026_12_05_0023_digest': m0023,
  '2026_12_05_0024_event_free_transactions': m0024,
  '2026_12_05_0025_webhook_subscribers': m0025,
  '2026_12_05_0027_webhook_delivery_retention': m0027,
  '2026_12_05_0028_monotonic_event_horizon': m0028,
  '2026_12_05_0029_digest_run_retention': m0029,
  '2026_12_06_0030_attachments': m0030,
  '2026_12_06_0031_tracking_codes': m0031,
  '2026_12_06_0032_assignment_rules': m0032,
  '2026_12_06_0033_task_started_at': m0033,
  '2026_12_06_0034_task_rollups': m0034,
  '2026_12_06_0035_outbox_head_except': m0035,
  '2026_12_06_0036_plpgsql_event_horizon': m0036,
  '2026_12_06_0037_event_consumer_cursors': m0037,
};
