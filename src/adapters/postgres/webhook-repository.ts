// An organization's webhook endpoints and their delivery logs, in its scope (row-level security);
// and, for the events consumer, the deliveries of every organization's events through
// webhook_enqueue (migration 2026_12_05_0020), in the cursor's transaction. A delivery's body is
// the event as the feed shows it, serialised once: every attempt sends (and signs) the same bytes.
import { sql, type Selectable } from 'kysely';
import type { PositionedEvent } from '../../application/events/ports.js';
import type {
  WebhookAttempt,
  WebhookDelivery,
  WebhookRepository,
} from '../../application/webhooks/ports.js';
import { isUuid } from '../../domain/shared/id.js';
import { subscriptionPatterns, type WebhookEndpoint } from '../../domain/webhooks/webhook.js';
import { presentEvent } from '../shared/event-json.js';
import type { Db } from './database.js';
import type {
  WebhookAttemptsTable,
  WebhookDeliveriesTable,
  WebhookEndpointsTable,
} from './database-webhooks.js';
import { versionMissOrGone } from './errors.js';

function toEndpoint(row: Selectable<WebhookEndpointsTable>): WebhookEndpoint {
  return {
    id: row.id,
    organizationId: row.organization_id,
    url: row.url,
    description: row.description,
    events: row.events,
    active: row.active,
    previousSecretExpiresAt: row.previous_secret_expires_at,
    failingSince: row.failing_since,
    disabledAt: row.disabled_at,
    createdBy: row.created_by,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toAttempt(row: Selectable<WebhookAttemptsTable>): WebhookAttempt {
  return {
    attempt: row.attempt,
    requestId: row.request_id,
    statusCode: row.status_code,
    error: row.error,
    durationMs: row.duration_ms,
    responseExcerpt: row.response_excerpt,
    attemptedAt: row.attempted_at,
  };
}

function toDelivery(
  row: Selectable<WebhookDeliveriesTable>,
  log: readonly WebhookAttempt[],
): WebhookDelivery {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    eventType: row.event_type,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? row.next_attempt_at : null,
    lastStatusCode: row.last_status_code,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    log,
  };
}

export function postgresWebhookRepository(db: Db): WebhookRepository {
  const endpoints = (organizationId: string) =>
    db.selectFrom('webhook_endpoints').selectAll().where('organization_id', '=', organizationId);

  const missOrGone = (organizationId: string, id: string, expectedVersion: number | undefined) =>
    versionMissOrGone(expectedVersion, () =>
      endpoints(organizationId).where('id', '=', id).executeTakeFirst(),
    );

  /** The rows with their attempts, oldest attempt first. */
  async function withLogs(rows: Selectable<WebhookDeliveriesTable>[]) {
    if (rows.length === 0) return [];
    const attempts = await db
      .selectFrom('webhook_attempts')
      .selectAll()
      .where('organization_id', '=', rows[0]!.organization_id)
      .where(
        'delivery_id',
        'in',
        rows.map((row) => row.id),
      )
      .orderBy('attempt')
      .execute();
    return rows.map((row) =>
      toDelivery(row, attempts.filter((a) => a.delivery_id === row.id).map(toAttempt)),
    );
  }

  const deliveryRows = (organizationId: string, endpointId: string) =>
    db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('organization_id', '=', organizationId)
      .where('endpoint_id', '=', endpointId);

  return {
    async list(organizationId, page) {
      let select = endpoints(organizationId).orderBy('id').limit(page.limit);
      if (page.after !== undefined) select = select.where('id', '>', page.after);
      return (await select.execute()).map(toEndpoint);
    },

    async find(organizationId, id, options) {
      if (!isUuid(id)) return undefined;
      let select = endpoints(organizationId).where('id', '=', id);
      if (options?.lock === true) select = select.forUpdate();
      const row = await select.executeTakeFirst();
      return row && toEndpoint(row);
    },

    async create(endpoint) {
      const row = await db
        .insertInto('webhook_endpoints')
        .values({
          organization_id: endpoint.organizationId,
          id: endpoint.id,
          url: endpoint.url,
          description: endpoint.description,
          events: [...endpoint.events],
          active: endpoint.active,
          secret: endpoint.secret,
          previous_secret: null,
          previous_secret_expires_at: null,
          failing_since: null,
          disabled_at: null,
          created_by: endpoint.createdBy,
          created_at: endpoint.now,
          updated_at: endpoint.now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toEndpoint(row);
    },

    async update(organizationId, id, fields, now, expectedVersion) {
      if (!isUuid(id)) return undefined;
      let query = db
        .updateTable('webhook_endpoints')
        .set((eb) => ({
          ...(fields.url !== undefined && { url: fields.url }),
          ...(fields.description !== undefined && { description: fields.description }),
          ...(fields.events !== undefined && { events: [...fields.events] }),
          ...(fields.active !== undefined && { active: fields.active }),
          // Set active again (by hand): its failures are forgiven, counting starts afresh.
          ...(fields.active === true && { failing_since: null, disabled_at: null }),
          version: eb('version', '+', 1),
          updated_at: now,
        }))
        .where('organization_id', '=', organizationId)
        .where('id', '=', id);
      if (expectedVersion !== undefined) query = query.where('version', '=', expectedVersion);
      const row = await query.returningAll().executeTakeFirst();
      return row ? toEndpoint(row) : missOrGone(organizationId, id, expectedVersion);
    },

    async delete(organizationId, id, expectedVersion) {
      if (!isUuid(id)) return false;
      let query = db
        .deleteFrom('webhook_endpoints')
        .where('organization_id', '=', organizationId)
        .where('id', '=', id);
      if (expectedVersion !== undefined) query = query.where('version', '=', expectedVersion);
      if (await query.returning('id').executeTakeFirst()) return true;
      await missOrGone(organizationId, id, expectedVersion);
      return false;
    },

    async rotateSecret(organizationId, id, secret, previousUntil, now) {
      if (!isUuid(id)) return undefined;
      const row = await db
        .updateTable('webhook_endpoints')
        .set((eb) => ({
          previous_secret: eb.ref('secret'),
          previous_secret_expires_at: previousUntil,
          secret,
          version: eb('version', '+', 1),
          updated_at: now,
        }))
        .where('organization_id', '=', organizationId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row && toEndpoint(row);
    },

    async deliveries(organizationId, endpointId, page) {
      let select = deliveryRows(organizationId, endpointId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(page.limit);
      const after = page.after;
      if (after !== undefined) {
        select = select.where(
          sql<boolean>`(created_at, id) < (${after.createdAt}, ${after.id}::uuid)`,
        );
      }
      return withLogs(await select.execute());
    },

    async delivery(organizationId, endpointId, id) {
      if (!isUuid(id) || !isUuid(endpointId)) return undefined;
      const row = await deliveryRows(organizationId, endpointId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row && (await withLogs([row]))[0];
    },

    async redeliver(organizationId, endpointId, id, now) {
      if (!isUuid(id) || !isUuid(endpointId)) return undefined;
      const row = await db
        .updateTable('webhook_deliveries')
        .set({ status: 'pending', tries: 0, next_attempt_at: now, updated_at: now })
        .where('organization_id', '=', organizationId)
        .where('endpoint_id', '=', endpointId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row && (await withLogs([row]))[0];
    },

    async enqueuePing(endpoint, ping) {
      const body = JSON.stringify({
        id: ping.id,
        type: 'webhook.ping',
        organization_id: endpoint.organizationId,
        project_id: null,
        subject: { type: 'webhook', id: endpoint.id, key: null },
        actor: ping.actor,
        data: {},
        request_id: null,
        occurred_at: ping.now.toISOString(),
      });
      const row = await db
        .insertInto('webhook_deliveries')
        .values({
          organization_id: endpoint.organizationId,
          id: ping.id,
          endpoint_id: endpoint.id,
          event_id: null,
          event_type: 'webhook.ping',
          body,
          next_attempt_at: ping.now,
          claim: null,
          locked_until: null,
          last_status_code: null,
          created_at: ping.now,
          updated_at: ping.now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toDelivery(row, []);
    },

    async adminEmails(organizationId) {
      const rows = await db
        .selectFrom('memberships')
        .innerJoin('users', 'users.id', 'memberships.user_id')
        .select('users.email')
        .where('memberships.organization_id', '=', organizationId)
        .where('memberships.role', 'in', ['owner', 'admin'])
        .where('users.deleted_at', 'is', null)
        .orderBy('users.email')
        .execute();
      return rows.map((row) => row.email);
    },

    async enqueueEvents(events: readonly PositionedEvent[], now) {
      if (events.length === 0) return 0;
      // One look for the whole batch at which organizations have an endpoint (most have none).
      const organizations = [...new Set(events.map(({ event }) => event.organizationId))];
      const { rows: subscribed } = await sql<{ organization_id: string }>`
        SELECT s AS organization_id
        FROM webhook_subscribers(${organizations}::uuid[]) s
      `.execute(db);
      const subscribers = new Set(subscribed.map((row) => row.organization_id));
      let added = 0;
      for (const { event } of events) {
        if (!subscribers.has(event.organizationId)) continue;
        const { rows } = await sql<{ added: number }>`
          SELECT webhook_enqueue(${event.organizationId}::uuid, ${event.id}::uuid, ${event.type},
            ${subscriptionPatterns(event.type)}::text[], ${JSON.stringify(presentEvent(event))},
            ${now}) AS added
        `.execute(db);
        added += rows[0]?.added ?? 0;
      }
      return added;
    },
  };
}
