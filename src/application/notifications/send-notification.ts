// The jobs that send a notification's email and SMS (enqueued by delivery.ts). Each reads the
// notification as it is now — every change folded into its run, the task's current title — and
// its recipient, then sends; nothing when the notification was deleted meanwhile (retention), the
// recipient is gone or left the organization, the channel is no longer chosen (an unsubscribe
// since) or switched off, or, for SMS, the recipient has no verified number. A repeat of a job
// (a crash between the send and the acknowledgement) sends the same mail, Message-ID and all.
import { deliveryPlan } from '../../domain/notifications/preferences.js';
import type { User } from '../../domain/identity/user.js';
import type { Deps } from '../deps.js';
import { smsRecipient } from '../identity/sms-recipient.js';
import type { Mailer } from '../identity/ports.js';
import type { ClaimedJob } from '../jobs/ports.js';
import type { JobHandler } from '../jobs/run-jobs.js';
import type { Logger } from '../shared/ports.js';
import { SmsError, type SmsSender } from '../shared/sms.js';
import type { NotificationJobPayload } from './delivery.js';
import {
  notificationEmail,
  notificationSms,
  type NotificationMessageInput,
} from './notification-message.js';
import type { Notification, OutsideChannel, Unsubscription, UnsubscribeTokens } from './ports.js';

export interface SendNotificationDeps extends Pick<Deps, 'uow' | 'notifications'> {
  readonly mailer: Mailer;
  readonly sms: SmsSender;
  readonly unsubscribeTokens: UnsubscribeTokens;
  /** Base of task links: a front end (APP_URL), else the API itself (PUBLIC_URL/api/v1). */
  readonly linkBase: string;
  /** The API's own base (PUBLIC_URL/api/v1): an unsubscribe link must reach this server. */
  readonly apiBase: string;
  /** The right side of Message-IDs. */
  readonly messageIdDomain: string;
  readonly logger: Logger;
}

interface Delivery extends NotificationMessageInput {
  readonly notification: Notification;
  readonly recipient: User;
}

export function notificationEmailHandler(deps: SendNotificationDeps): JobHandler {
  return async (job) => {
    if (!deps.notifications.email) return;
    const delivery = await load(deps, job, 'email');
    if (delivery === undefined) return;
    const { notification, recipient } = delivery;
    const link = unsubscribeLink(deps, {
      userId: recipient.id,
      organizationId: notification.organizationId,
      kind: notification.kind,
      channel: 'email',
    });
    await deps.mailer.send({
      to: recipient.email,
      ...notificationEmail(delivery, link),
      messageId: `<${job.id}@${deps.messageIdDomain}>`,
      headers: {
        'List-Unsubscribe': `<${link}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
    });
  };
}

export function notificationSmsHandler(deps: SendNotificationDeps): JobHandler {
  return async (job) => {
    const delivery = await load(deps, job, 'sms');
    // Only to a number its owner proved (and only while SMS notifications are on).
    const to = delivery && smsRecipient(deps, delivery.recipient);
    if (delivery === undefined || to === undefined) return;
    try {
      await deps.sms.send({ to, body: notificationSms(delivery) });
    } catch (error) {
      // A number or credentials the provider refuses would be refused on every retry.
      if (!(error instanceof SmsError) || error.retryable) throw error;
      deps.logger.warn(
        { err: error, job_id: job.id, provider_code: error.providerCode },
        'notification SMS refused by the provider; not retried',
      );
    }
  };
}

function unsubscribeLink(deps: SendNotificationDeps, unsubscription: Unsubscription): string {
  const token = deps.unsubscribeTokens.sign(unsubscription);
  return `${deps.apiBase}/notifications/unsubscribe?token=${encodeURIComponent(token)}`;
}

/** The notification and what its message names, or undefined when nothing is to be sent. */
async function load(
  deps: SendNotificationDeps,
  job: ClaimedJob,
  channel: OutsideChannel,
): Promise<Delivery | undefined> {
  const { notification_id: id } = job.payload as NotificationJobPayload;
  const organizationId = job.organizationId;
  if (organizationId === null) return undefined;
  return deps.uow.read(
    async (tx) => {
      const notification = await tx.notifications.get(id);
      if (notification === undefined) return undefined;
      const recipient = await tx.users.findById(notification.userId);
      if (recipient === undefined) return undefined;
      const { kind } = notification;
      // An invitee is no member yet; anyone else who left hears no more of the organization.
      if (
        kind !== 'invited' &&
        !(await tx.notifications.audience.membersAmong(organizationId, [recipient.id])).has(
          recipient.id,
        )
      ) {
        return undefined;
      }
      const member = await tx.notifications.preferences.ofMember(organizationId, recipient.id);
      const defaults = await tx.notifications.preferences.ofOrganization(organizationId);
      const now = deliveryPlan(
        kind,
        { member: member.channels, organization: defaults.channels },
        notification.lastAt,
      );
      if (!now.channels.includes(channel)) return undefined;
      const organization = await tx.organizations.find(organizationId);
      if (organization === undefined) return undefined;
      const actor =
        notification.actor.type === 'user'
          ? await tx.users.findById(notification.actor.id)
          : undefined;
      const task =
        notification.taskId === null
          ? undefined
          : await tx.tasks.find(organizationId, notification.taskId);
      return {
        notification,
        recipient,
        recipientName: recipient.name,
        organizationName: organization.name,
        actorName: actor?.name ?? (notification.actor.type === 'apikey' ? 'an API key' : null),
        task: task === undefined ? null : { key: task.key, title: task.title },
        taskLink:
          task === undefined
            ? null
            : `${deps.linkBase}/organizations/${organizationId}/tasks/${task.id}`,
      };
    },
    { organizationId },
  );
}
