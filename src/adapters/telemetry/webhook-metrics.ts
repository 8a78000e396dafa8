// Webhook deliveries' metrics, on the process's registry: attempts by outcome (delivered, retrying:
// failed with a retry scheduled, failed: the last retry failed too) and how long each took.
import { Counter, Histogram, type Registry } from 'prom-client';
import type { DeliveryObserver } from '../../application/webhooks/deliver-webhooks.js';

const OUTCOME = { delivered: 'delivered', pending: 'retrying', failed: 'failed' } as const;

export function registerWebhookMetrics(registry: Registry): DeliveryObserver {
  const registers = [registry];
  const attempts = new Counter({
    name: 'webhook_deliveries_total',
    help: 'Webhook delivery attempts, by outcome (delivered, retrying, failed: no retry left)',
    labelNames: ['outcome'] as const,
    registers,
  });
  const duration = new Histogram({
    name: 'webhook_delivery_duration_seconds',
    help: 'Seconds from a webhook request’s start to its answer (or its failure)',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  return {
    attempted(outcome, result) {
      attempts.inc({ outcome: OUTCOME[outcome] });
      duration.observe(result.durationMs / 1000);
    },
  };
}
