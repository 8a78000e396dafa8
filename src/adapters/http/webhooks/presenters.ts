// Webhook endpoints and deliveries as the API answers them.
import type { WebhookDelivery } from '../../../application/webhooks/ports.js';
import type { WebhookEndpoint } from '../../../domain/webhooks/webhook.js';

export function presentWebhook(endpoint: WebhookEndpoint) {
  return {
    id: endpoint.id,
    url: endpoint.url,
    description: endpoint.description,
    events: [...endpoint.events],
    active: endpoint.active,
    previous_secret_expires_at: endpoint.previousSecretExpiresAt?.toISOString() ?? null,
    failing_since: endpoint.failingSince?.toISOString() ?? null,
    disabled_at: endpoint.disabledAt?.toISOString() ?? null,
    created_by: endpoint.createdBy,
    version: endpoint.version,
    created_at: endpoint.createdAt.toISOString(),
    updated_at: endpoint.updatedAt.toISOString(),
  };
}

export function presentDelivery(delivery: WebhookDelivery) {
  return {
    id: delivery.id,
    webhook_id: delivery.endpointId,
    event_id: delivery.eventId,
    event_type: delivery.eventType,
    status: delivery.status,
    attempts: delivery.attempts,
    next_attempt_at: delivery.nextAttemptAt?.toISOString() ?? null,
    last_status_code: delivery.lastStatusCode,
    created_at: delivery.createdAt.toISOString(),
    updated_at: delivery.updatedAt.toISOString(),
    attempt_log: delivery.log.map((attempt) => ({
      attempt: attempt.attempt,
      request_id: attempt.requestId,
      status_code: attempt.statusCode,
      error: attempt.error,
      duration_ms: attempt.durationMs,
      response_excerpt: attempt.responseExcerpt,
      attempted_at: attempt.attemptedAt.toISOString(),
    })),
  };
}
