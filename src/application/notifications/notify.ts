// The notifications consumer: for each committed event, who is told (recipients.ts), through which
// channels and from when (preferences.ts), recorded as rows in the consumer's own batch
// transaction, idempotently, folding a run of one actor's changes to one task into one row, with
// a new row's email and SMS jobs (delivery.ts). The rows' owners hear of them live once the batch
// commits.
import type { DomainEvent } from '../../domain/events/event.js';
import { mentionedMembers, parseMentions } from '../../domain/notifications/mentions.js';
import { deliveryPlan, type ChannelChoice } from '../../domain/notifications/preferences.js';
import {
  mayTellAnyone,
  recipientsOf,
  tellsWatchers,
  type EventAudience,
  type Recipient,
} from '../../domain/notifications/recipients.js';
import type { EventConsumer } from '../events/dispatch-events.js';
import type { Deps } from '../deps.js';
import type { Repositories } from '../shared/unit-of-work.js';
import { enqueueDeliveries, type EnqueueDeliveryDeps } from './delivery.js';
import type { Notification, NotificationPush } from './ports.js';

export const NOTIFICATIONS_CONSUMER = 'notifications';

export interface NotifyDeps extends Pick<Deps, 'uow' | 'ids' | 'clock'>, EnqueueDeliveryDeps {
  readonly push: NotificationPush;
  /** Changes of one actor to one task this close together (by the events' times) fold into one. */
  readonly coalesceSeconds: number;
}

export function notificationsConsumer(deps: NotifyDeps): EventConsumer {
  return {
    name: NOTIFICATIONS_CONSUMER,
    async handle(events) {
      const recorded: Notification[] = [];
      for (const { event } of events) {
        if (mayTellAnyone(event)) recorded.push(...(await notify(deps, event)));
      }
      await deps.uow.afterCommit(() => {
        for (const notification of recorded) {
          if (notification.channels.includes('in_app')) {
            deps.push.push(notification.userId, notification);
          }
        }
      });
    },
  };
}

async function notify(deps: NotifyDeps, event: DomainEvent): Promise<Notification[]> {
  const organizationId = event.organizationId;
  return deps.uow.run(
    async (tx) => {
      const recipients = recipientsOf(event, await audienceOf(tx, event));
      if (recipients.length === 0) return [];
      const defaults = await tx.notifications.preferences.ofOrganization(organizationId);
      const recorded: Notification[] = [];
      for (const recipient of recipients) {
        const notification = await record(deps, tx, event, recipient, defaults.channels);
        if (notification) recorded.push(notification);
      }
      return recorded;
    },
    { organizationId },
  );
}

/** The task an event is about: the subject of a task event, the task of a comment's. */
function taskIdOf(event: DomainEvent): string | null {
  if (event.subject.type === 'task') return event.subject.id;
  const taskId = event.change.task_id;
  return typeof taskId === 'string' ? taskId : null;
}

async function audienceOf(tx: Repositories, event: DomainEvent): Promise<EventAudience> {
  const { audience } = tx.notifications;
  const organizationId = event.organizationId;
  if (event.type === 'invitation.created') {
    const email = event.change.email;
    const invitee = typeof email === 'string' ? await tx.users.findByEmail(email) : undefined;
    return { inviteeId: invitee?.id ?? null };
  }
  const taskId = taskIdOf(event);
  const watcherIds =
    taskId === null || !tellsWatchers(event)
      ? []
      : await audience.watcherIds(organizationId, taskId);
  if (event.type !== 'comment.created' || event.subject.id === null) return { watcherIds };
  const body = await audience.commentBody(organizationId, event.subject.id);
  const mentions = parseMentions(body ?? '');
  const candidates = await audience.mentionCandidates(organizationId, mentions);
  return { watcherIds, mentionedIds: mentionedMembers(mentions, candidates) };
}

async function record(
  deps: NotifyDeps,
  tx: Repositories,
  event: DomainEvent,
  recipient: Recipient,
  organizationChannels: ChannelChoice,
): Promise<Notification | undefined> {
  const organizationId = event.organizationId;
  const { userId, kind } = recipient;
  // Only members hear of an organization's tasks (an assignee or reporter may have left it); an
  // invitee is not one yet.
  if (kind !== 'invited' && !(await tx.notifications.audience.isMember(organizationId, userId))) {
    return undefined;
  }
  const member = await tx.notifications.preferences.ofMember(organizationId, userId);
  const plan = deliveryPlan(
    kind,
    { member: member.channels, organization: organizationChannels, quietHours: member.quietHours },
    event.occurredAt,
  );
  if (plan.channels.length === 0) return undefined;
  const coalesceSince = new Date(event.occurredAt.getTime() - deps.coalesceSeconds * 1000);
  const id = deps.ids.next();
  const recorded = await tx.notifications.record(
    {
      id,
      eventId: event.id,
      userId,
      organizationId,
      kind,
      eventType: event.type,
      actor: event.actor,
      subject: event.subject,
      projectId: event.projectId,
      taskId: taskIdOf(event),
      channels: plan.channels,
      deliverAfter: plan.deliverAfter,
      firstAt: event.occurredAt,
    },
    coalesceSince,
  );
  // A new row (not a fold into an open run): its email and SMS, once the run has had its window.
  if (recorded?.id === id) await enqueueDeliveries(deps, tx, recorded);
  return recorded;
}
