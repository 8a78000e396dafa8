// The email and SMS of notifications, enqueued: when the consumer records a new notification
// whose channels include email or SMS, one job per channel goes into the consumer's own
// transaction (so none exists if that batch rolls back), due once the coalescing window has
// passed and the recipient's quiet hours have ended. The run's later changes fold into the row,
// not into new jobs: the job reads the row as it is when it runs (send-notification.ts).
import { DEFAULT_MAX_ATTEMPTS } from '../../domain/jobs/retry.js';
import type { NotificationChannels } from '../deps.js';
import type { Clock, IdGenerator } from '../shared/ports.js';
import type { Repositories } from '../shared/unit-of-work.js';
import type { Notification, OutsideChannel } from './ports.js';

export const NOTIFICATION_JOBS: Readonly<Record<OutsideChannel, string>> = {
  email: 'notification_email',
  sms: 'notification_sms',
};

/** A notification job's payload: which notification (read again when the job runs). */
export interface NotificationJobPayload {
  readonly notification_id: string;
}

export interface EnqueueDeliveryDeps {
  readonly ids: IdGenerator;
  readonly clock: Clock;
  /** ENABLE_EMAIL_NOTIFICATIONS, ENABLE_SMS_NOTIFICATIONS: a channel switched off gets no job. */
  readonly channels: NotificationChannels;
  readonly coalesceSeconds: number;
}

/** When a notification's email or SMS is due: after its run's window and the quiet hours. */
export function deliveryTime(notification: Notification, coalesceSeconds: number): Date {
  const windowEnd = notification.firstAt.getTime() + coalesceSeconds * 1000;
  return new Date(Math.max(windowEnd, notification.deliverAfter?.getTime() ?? 0));
}

/** Enqueues, in `tx`, the jobs of a notification just recorded (never of a folded update). */
export async function enqueueDeliveries(
  deps: EnqueueDeliveryDeps,
  tx: Pick<Repositories, 'jobs'>,
  notification: Notification,
): Promise<void> {
  const runAt = deliveryTime(notification, deps.coalesceSeconds);
  for (const channel of ['email', 'sms'] as const) {
    if (!notification.channels.includes(channel) || !deps.channels[channel]) continue;
    const payload: NotificationJobPayload = { notification_id: notification.id };
    await tx.jobs.enqueue({
      id: deps.ids.next(),
      kind: NOTIFICATION_JOBS[channel],
      payload,
      organizationId: notification.organizationId,
      runAt,
      maxAttempts: DEFAULT_MAX_ATTEMPTS,
      createdAt: deps.clock.now(),
    });
  }
}
