// The worker's side of the deliveries table: claims across organizations through webhook_claim
// (migration 2026_12_05_0020: FOR UPDATE SKIP LOCKED, then a lease, so two workers never claim one
// delivery and a killed worker's claim runs out), and records each attempt in the delivery's own
// organization's scope, only while the claim is still the recorder's.
import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { ClaimedDelivery, WebhookQueue } from '../../application/webhooks/ports.js';
import type { Db } from './database.js';
import { inScopedTransaction } from './wire/tenant-scope.js';

interface ClaimRow {
  organization_id: string;
  id: string;
  endpoint_id: string;
  event_type: string;
  body: string;
  attempts: number;
  tries: number;
  url: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
}

export function postgresWebhookQueue(db: Db): WebhookQueue {
  return {
    async claim(now, limit, leaseMs) {
      const claim = randomUUID();
      const { rows } = await sql<ClaimRow>`
        SELECT * FROM webhook_claim(${now}, ${new Date(now.getTime() + leaseMs)}, ${claim}::uuid,
          ${limit})
      `.execute(db);
      return rows.map((row): ClaimedDelivery => ({
        organizationId: row.organization_id,
        id: row.id,
        endpointId: row.endpoint_id,
        eventType: row.event_type,
        body: row.body,
        attempts: row.attempts,
        tries: row.tries,
        url: row.url,
        // The previous secret signs too until its overlap ends (rotation).
        secrets: [
          row.secret,
          ...(row.previous_secret !== null &&
          row.previous_secret_expires_at !== null &&
          row.previous_secret_expires_at > now
            ? [row.previous_secret]
            : []),
        ],
        claim,
      }));
    },

    async purge(before, limit) {
      const { rows } = await sql<{ deleted: string }>`
        SELECT webhook_deliveries_purge(${before}, ${limit})::text AS deleted
      `.execute(db);
      return Number(rows[0]?.deleted ?? 0);
    },

    async record(delivery, { attempt, outcome, disableIfFailingSince }) {
      const scope = { organizationId: delivery.organizationId };
      return inScopedTransaction(db, scope, async (trx) => {
        const at = attempt.attemptedAt;
        const settled = await trx
          .updateTable('webhook_deliveries')
          .set((eb) => ({
            status: outcome.status,
            attempts: eb('attempts', '+', 1),
            tries: eb('tries', '+', 1),
            next_attempt_at: outcome.status === 'pending' ? outcome.nextAttemptAt : null,
            claim: null,
            locked_until: null,
            last_status_code: attempt.statusCode,
            updated_at: at,
          }))
          .where('organization_id', '=', delivery.organizationId)
          .where('id', '=', delivery.id)
          .where('claim', '=', delivery.claim)
          .returning('id')
          .executeTakeFirst();
        if (!settled) return { recorded: false, disabled: false };
        await trx
          .insertInto('webhook_attempts')
          .values({
            organization_id: delivery.organizationId,
            delivery_id: delivery.id,
            attempt: attempt.attempt,
            request_id: attempt.requestId,
            status_code: attempt.statusCode,
            error: attempt.error,
            duration_ms: attempt.durationMs,
            response_excerpt: attempt.responseExcerpt,
            attempted_at: at,
          })
          .execute();
        const endpoint = trx
          .updateTable('webhook_endpoints')
          .where('organization_id', '=', delivery.organizationId)
          .where('id', '=', delivery.endpointId);
        if (outcome.status === 'delivered') {
          await endpoint.set({ failing_since: null }).execute();
          return { recorded: true, disabled: false };
        }
        await endpoint
          .set((eb) => ({ failing_since: eb.fn.coalesce('failing_since', sql<Date>`${at}`) }))
          .execute();
        // Failing since before the limit: disabled, once (the update finds it active only once).
        const disabled = await endpoint
          .set((eb) => ({
            active: false,
            disabled_at: at,
            version: eb('version', '+', 1),
            updated_at: at,
          }))
          .where('active', '=', true)
          .where('failing_since', '<=', disableIfFailingSince)
          .returning('id')
          .executeTakeFirst();
        return { recorded: true, disabled: disabled !== undefined };
      });
    },
  };
}
