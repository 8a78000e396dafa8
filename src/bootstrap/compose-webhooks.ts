// Webhooks' runtime, where the events are dispatched (the API process when WORKER_MODE=inline, the
// worker process otherwise): the events consumer that writes deliveries behind its own outbox
// cursor, and the loop that sends them. Every process gets the URL guard and the settings the
// API's use cases read.
import type { Logger as PinoLogger } from 'pino';
import type { Registry } from 'prom-client';
import type { WebhookSettings } from '../application/deps.js';
import type { Clock, IdGenerator } from '../application/shared/ports.js';
import type { UnitOfWork } from '../application/shared/unit-of-work.js';
import {
  purgeSettledDeliveries,
  webhooksConsumer,
} from '../application/webhooks/deliver-webhooks.js';
import { mailEndpointDisabled } from '../application/webhooks/endpoint-disabled-mail.js';
import type { Db } from '../adapters/postgres/database.js';
import { postgresWebhookQueue } from '../adapters/postgres/webhook-queue.js';
import { registerWebhookMetrics } from '../adapters/telemetry/webhook-metrics.js';
import { webhookUrlGuard } from '../adapters/webhooks/address-guard.js';
import { httpWebhookSender } from '../adapters/webhooks/http-sender.js';
import type { BatchLoop } from '../adapters/worker/batch-loop.js';
import { periodic, withChore } from '../adapters/worker/periodic.js';
import { webhookLoop } from '../adapters/worker/webhook-loop.js';
import type { EventsRuntime } from './compose-events.js';
import type { Config } from './config.js';
import type { Closer } from './http-server.js';
import { VERSION } from './version.js';

export interface WebhooksSources {
  readonly config: Config;
  readonly db: Db;
  readonly uow: UnitOfWork;
  readonly events: EventsRuntime;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly registry: Registry;
  readonly logger: PinoLogger;
  /** Whether this process sends (it dispatches the events). */
  readonly dispatch: boolean;
}

export interface WebhooksRuntime {
  readonly settings: WebhookSettings;
  /** The delivery loop, when this process sends (started by start()). */
  readonly loop: BatchLoop | undefined;
  start(): void;
  readonly closer: Closer;
}

export function composeWebhooks(sources: WebhooksSources): WebhooksRuntime {
  const { config, clock, events } = sources;
  const allowPrivateNetworks = config.WEBHOOK_ALLOW_PRIVATE_NETWORKS;
  const settings: WebhookSettings = {
    urlGuard: webhookUrlGuard({ allowPrivateNetworks }),
    secretOverlapMs: config.WEBHOOK_SECRET_OVERLAP_HOURS * 3_600_000,
  };
  if (!sources.dispatch) {
    return { settings, loop: undefined, start: () => undefined, closer: noCloser };
  }

  // The sender looks as soon as a batch of deliveries has committed (it is made below).
  let wakeSender = (): void => undefined;
  events.consume(webhooksConsumer({ clock, uow: sources.uow, enqueued: () => wakeSender() }));
  const logger = sources.logger.child({ component: 'webhooks' });
  const disableAfterDays = config.WEBHOOK_DISABLE_AFTER_DAYS;
  const queue = postgresWebhookQueue(sources.db);
  const loop = webhookLoop(
    {
      queue,
      sender: httpWebhookSender({
        timeoutMs: config.WEBHOOK_TIMEOUT_MS,
        allowPrivateNetworks,
        // The signature's timestamp is the wall clock's: receivers check it against theirs.
        now: () => new Date(),
        userAgent: `TeamFlow-Webhooks/${VERSION}`,
      }),
      clock,
      ids: sources.ids,
      endpointDisabled: async (delivery) => {
        logger.warn(
          { organization_id: delivery.organizationId, webhook_id: delivery.endpointId },
          'webhook endpoint disabled: failing for too long',
        );
        await mailEndpointDisabled(sources, delivery, disableAfterDays).catch((error: unknown) => {
          logger.error({ err: error }, 'could not mail the admins about a disabled endpoint');
        });
      },
      observer: registerWebhookMetrics(sources.registry),
      logger,
      onNudge: (listener) => events.bus.onNudge(listener),
    },
    {
      batchSize: config.WEBHOOK_CONCURRENCY,
      leaseMs: config.WEBHOOK_LEASE_SECONDS * 1000,
      disableAfterDays,
      pollMs: config.WORKER_POLL_MS,
      nudgeDelayMs: config.WORKER_BACKGROUND_NUDGE_DELAY_MS,
    },
  );
  wakeSender = () => loop.wake();
  // The delivery log's retention, as often as the events' own purge.
  const purge = periodic(
    'webhook delivery purge',
    () => purgeSettledDeliveries({ queue, clock }, config.WEBHOOK_DELIVERY_RETENTION_DAYS, logger),
    config.EVENT_PURGE_INTERVAL_SECONDS * 1000,
    logger,
  );
  const sender = withChore(loop, purge);
  return {
    settings,
    loop,
    start: () => sender.start(),
    // The sends in flight finish (each within WEBHOOK_TIMEOUT_MS) and are recorded.
    closer: { name: 'webhook deliveries', close: () => sender.stop() },
  };
}

const noCloser: Closer = { name: 'webhook deliveries', close: () => Promise.resolve() };
