// Row types of the webhooks tables (migration 2026_12_05_0020).
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface WebhookEndpointsTable {
  organization_id: string;
  id: string;
  url: string;
  description: Generated<string>;
  events: string[];
  active: Generated<boolean>;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Timestamp | null;
  failing_since: Timestamp | null;
  disabled_at: Timestamp | null;
  version: Generated<number>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface WebhookDeliveriesTable {
  organization_id: string;
  id: string;
  endpoint_id: string;
  event_id: string | null;
  event_type: string;
  /** The exact bytes sent (and signed) on every attempt. */
  body: string;
  status: Generated<'pending' | 'delivered' | 'failed'>;
  attempts: Generated<number>;
  /** Attempts in the current round (a redelivery starts a new one). */
  tries: Generated<number>;
  next_attempt_at: Timestamp | null;
  claim: string | null;
  locked_until: Timestamp | null;
  last_status_code: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface WebhookAttemptsTable {
  organization_id: string;
  delivery_id: string;
  attempt: number;
  request_id: string;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
  response_excerpt: string;
  attempted_at: Timestamp;
}

export interface WebhooksTables {
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
}
