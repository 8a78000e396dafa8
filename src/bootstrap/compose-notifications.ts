// Notifications in the process that consumes events (the API when WORKER_MODE=inline, else the
// worker): the consumer that records them behind its own cursor, the retention purge, and the push
// to the recipients' realtime user channel.
import type { EventBus } from '../application/events/ports.js';
import type { NotificationPush } from '../application/notifications/ports.js';
import { presentNotification } from '../adapters/http/notifications/routes.js';
import {
  NOTIFICATIONS_CONSUMER,
  notificationsConsumer,
} from '../application/notifications/notify.js';
import { purgeExpiredNotifications } from '../application/notifications/purge.js';
import type { Clock, IdGenerator, Logger } from '../application/shared/ports.js';
import type { UnitOfWork } from '../application/shared/unit-of-work.js';
import { periodic } from '../adapters/worker/periodic.js';
import type { EventsRuntime } from './compose-events.js';
import { notificationChannels } from './compose-sms.js';
import type { Config } from './config.js';
import type { Closer } from './http-server.js';

export interface NotificationsRuntime {
  /** Starts the retention purge (with the events' loops). */
  start(): void;
  readonly closer: Closer;
}

/**
 * The push to the recipients' realtime `user` channel: a `notification` frame on every API
 * process's hub (through the bus's signals, so it reaches their sockets wherever they are
 * connected). Best effort, like the events: a client that missed it reads its inbox.
 */
export function notificationPush(bus: EventBus, logger: Logger): NotificationPush {
  return {
    push(userId, notification) {
      const message = { type: 'notification', data: presentNotification(notification) };
      bus.signal({ type: 'user.message', userId, message }).catch((error: unknown) => {
        logger.warn({ err: error, user_id: userId }, 'notification not pushed');
      });
    },
  };
}

export function composeNotifications(parts: {
  readonly config: Config;
  readonly events: EventsRuntime;
  readonly uow: UnitOfWork;
  readonly ids: IdGenerator;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly push?: NotificationPush | undefined;
}): NotificationsRuntime {
  const { config, events, uow, clock } = parts;
  const logger = parts.logger.child({ component: NOTIFICATIONS_CONSUMER });
  events.consume(
    notificationsConsumer({
      uow,
      ids: parts.ids,
      push: parts.push ?? notificationPush(events.bus, logger),
      coalesceSeconds: config.NOTIFICATION_COALESCE_SECONDS,
      clock,
      channels: notificationChannels(config),
    }),
  );
  // The purge runs where the events are consumed (never in an API process that leaves that to
  // the worker), as often as the events' own.
  const purges = events.dispatcher !== undefined;
  const purge = periodic(
    'notification purge',
    () => purgeExpiredNotifications({ uow, clock }, config.NOTIFICATION_RETENTION_DAYS, logger),
    config.EVENT_PURGE_INTERVAL_SECONDS * 1000,
    logger,
  );
  return {
    start() {
      if (purges) purge.start();
    },
    closer: { name: 'notification purge', close: () => purge.stop() },
  };
}
