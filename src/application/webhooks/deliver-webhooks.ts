// The worker's side of webhooks. The events consumer turns each committed event into a delivery
// per subscribed endpoint (rows only, in the cursor's transaction: nothing is sent for a change
// that did not commit, and nothing is lost if the worker dies). The delivery step then claims the
// due deliveries, sends them (each on its own: a receiver that is down holds up nobody else),
// records every attempt, and schedules the next one or settles the delivery.
import type { EventConsumer } from '../events/dispatch-events.js';
import type { Clock, IdGenerator, Logger } from '../shared/ports.js';
import { purgeOlderThan } from '../shared/retention.js';
import type { UnitOfWork } from '../shared/unit-of-work.js';
import {
  afterAttempt,
  disableIfFailingSince,
  isSuccess,
  type DeliveryOutcome,
} from '../../domain/webhooks/webhook.js';
import type { ClaimedDelivery, SendResult, WebhookQueue, WebhookSender } from './ports.js';

/** The consumer's cursor name in the outbox: stable, a new name would start at the head. */
export const WEBHOOKS_CONSUMER = 'webhooks';

export interface WebhooksConsumerDeps {
  readonly clock: Clock;
  readonly uow: Pick<UnitOfWork, 'afterCommit'>;
  /** Called once a batch that made deliveries has committed: the sender can look at once. */
  readonly enqueued: () => void;
}

export function webhooksConsumer(deps: WebhooksConsumerDeps): EventConsumer {
  return {
    name: WEBHOOKS_CONSUMER,
    handle: async (events, tx) => {
      const made = await tx.webhooks.enqueueEvents(events, deps.clock.now());
      if (made > 0) await deps.uow.afterCommit(deps.enqueued);
    },
  };
}

export interface DeliveryObserver {
  attempted(outcome: DeliveryOutcome['status'], result: SendResult): void;
}

export interface DeliverDeps {
  readonly queue: WebhookQueue;
  readonly sender: WebhookSender;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** Tells the organization's admins that an endpoint was disabled (after it committed). */
  readonly endpointDisabled: (delivery: ClaimedDelivery) => Promise<void>;
  readonly observer?: DeliveryObserver | undefined;
}

export interface DeliverSettings {
  readonly batchSize: number;
  /** How long a claim holds: longer than a send can take (its timeout). */
  readonly leaseMs: number;
  readonly disableAfterDays: number;
}

/** Sends the due deliveries (at most a batch): how many were claimed. */
export async function deliverDueWebhooks(
  deps: DeliverDeps,
  settings: DeliverSettings,
): Promise<number> {
  const claimed = await deps.queue.claim(deps.clock.now(), settings.batchSize, settings.leaseMs);
  await Promise.all(claimed.map((delivery) => deliverOne(deps, settings, delivery)));
  return claimed.length;
}

async function deliverOne(
  deps: DeliverDeps,
  settings: DeliverSettings,
  delivery: ClaimedDelivery,
): Promise<void> {
  const requestId = deps.ids.next();
  const result = await deps.sender.send(delivery, requestId);
  const at = deps.clock.now();
  const outcome = afterAttempt(delivery.tries + 1, isSuccess(result.statusCode), at);
  const { recorded, disabled } = await deps.queue.record(delivery, {
    attempt: { attempt: delivery.attempts + 1, requestId, attemptedAt: at, ...result },
    outcome,
    disableIfFailingSince: disableIfFailingSince(at, settings.disableAfterDays),
  });
  if (recorded) deps.observer?.attempted(outcome.status, result);
  if (disabled) await deps.endpointDisabled(delivery);
}

/** Deletes the settled deliveries older than `retentionDays` (their log with them); how many. */
export function purgeSettledDeliveries(
  deps: Pick<DeliverDeps, 'queue' | 'clock'>,
  retentionDays: number,
  logger?: Logger,
): Promise<number> {
  return purgeOlderThan(
    deps.clock,
    retentionDays,
    (before, limit) => deps.queue.purge(before, limit),
    {
      logger,
      what: 'settled webhook deliveries',
    },
  );
}
