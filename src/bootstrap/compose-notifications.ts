// Notifications in the process that consumes events (the API when WORKER_MODE=inline, else the
// worker): the consumer that records them behind its own cursor, the retention purge, and the push
// to the recipients' realtime user channel.
import type { Notification, NotificationPush } from '../application/notifications/ports.js';
import {
  NOTIFICATIONS_CONSUMER,
  notificationsConsumer,
} from '../application/notifications/notify.js';
import { purgeExpiredNotifications } from '../application/notifications/purge.js';
import type { Clock, IdGenerator, Logger } from '../application/shared/ports.js';
import type { UnitOfWork } from '../application/shared/unit-of-work.js';
import type { EventsRuntime } from './compose-events.js';
import type { Config } from './config.js';
import type { Closer } from './http-server.js';

export interface NotificationsRuntime {
  /** Starts the retention purge (with the events' loops). */
  start(): void;
  readonly closer: Closer;
}

/**
 * The push as far as it reaches today: the realtime hub has no entry point yet that sends a frame
 * to one user's sockets (on every API process), so a notification is logged at debug level and
 * read from the inbox. `deliver` is where that entry point plugs in.
 */
export function notificationPush(
  logger: Logger,
  deliver?: (userId: string, notification: Notification) => void,
): NotificationPush {
  return {
    push(userId, notification) {
      if (deliver) deliver(userId, notification);
      else
        logger.debug(
          { user_id: userId, notification_id: notification.id },
          'notification not pushed (no realtime user channel yet)',
        );
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
      push: parts.push ?? notificationPush(logger),
      coalesceSeconds: config.NOTIFICATION_COALESCE_SECONDS,
    }),
  );
  // The purge runs where the events are consumed (never in an API process that leaves that to
  // the worker), as often as the events' own.
  const purges = events.dispatcher !== undefined;
  let timer: NodeJS.Timeout | undefined;
  let purging: Promise<unknown> | undefined;
  const purge = () => {
    purging ??= purgeExpiredNotifications(
      { uow, clock },
      config.NOTIFICATION_RETENTION_DAYS,
      logger,
    )
      .catch((error: unknown) => {
        logger.warn({ err: error }, 'notification purge failed; trying again at the next round');
      })
      .finally(() => {
        purging = undefined;
      });
  };
  return {
    start() {
      if (!purges || timer !== undefined) return;
      timer = setInterval(purge, config.EVENT_PURGE_INTERVAL_SECONDS * 1000);
      timer.unref();
      purge();
    },
    closer: {
      name: 'notification purge',
      close: async () => {
        clearInterval(timer);
        timer = undefined;
        await purging;
      },
    },
  };
}
