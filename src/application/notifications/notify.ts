// The notifications consumer: for each committed event, who is told (recipients.ts), through which
// channels and from when (preferences.ts), recorded as rows in the consumer's own batch
// transaction, idempotently, folding a run of one actor's changes to one task into one row, with
// a new row's email and SMS jobs (delivery.ts). The rows' owners hear of them live once the batch
// commits.
import type { DomainEvent } from '../../domain/events/event.js';
import { mentionedMembers, parseMentions } from '../../domain/notifications/mentions.js';
import { deliveryPlan, type DeliveryPlan } from '../../domain/notifications/preferences.js';
import {
  mayTellAnyone,
  recipientsOf,
  tellsWatchers,
  type EventAudience,
  type Recipient,
} from '../../domain/notifications/recipients.js';
import type { EventConsumer } from '../events/dispatch-events.js';
import type { PositionedEvent } from '../events/ports.js';
import type { Deps } from '../deps.js';
import type { Repositories } from '../shared/unit-of-work.js';
import { enqueueDeliveries, type EnqueueDeliveryDeps } from './delivery.js';
import type { MemberPreferences, Notification, NotificationPush } from './ports.js';

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
      for (const [organizationId, ofOrganization] of byOrganization(events)) {
        recorded.push(...(await notify(deps, organizationId, ofOrganization)));
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

/** The events that may tell anyone, by organization, each organization's in the batch's order. */
function byOrganization(events: readonly PositionedEvent[]): Map<string, DomainEvent[]> {
  const grouped = new Map<string, DomainEvent[]>();
  for (const { event } of events) {
    if (!mayTellAnyone(event)) continue;
    const group = grouped.get(event.organizationId);
    if (group) group.push(event);
    else grouped.set(event.organizationId, [event]);
  }
  return grouped;
}

/**
 * One organization's events of the batch, in one unit of work: what every event needs is read
 * once for all of them (the tasks' watchers, the recipients' membership and preferences, the
 * organization's defaults), then a row is recorded per recipient, in the events' order (a later
 * change folds into the row an earlier one made).
 */
async function notify(
  deps: NotifyDeps,
  organizationId: string,
  events: readonly DomainEvent[],
): Promise<Notification[]> {
  return deps.uow.run(
    async (tx) => {
      const { audience, preferences } = tx.notifications;
      const watchedTasks = events.filter(tellsWatchers).map(taskIdOf);
      const watchers = await audience.watchersOf(
        organizationId,
        [...new Set(watchedTasks)].filter((id) => id !== null),
      );
      const told: { event: DomainEvent; recipients: Recipient[] }[] = [];
      for (const event of events) {
        const recipients = recipientsOf(event, await audienceOf(tx, event, watchers));
        if (recipients.length > 0) told.push({ event, recipients });
      }
      if (told.length === 0) return [];
      const userIds = [...new Set(told.flatMap((t) => t.recipients.map((r) => r.userId)))];
      const members = await audience.membersAmong(organizationId, userIds);
      const chosen = await preferences.ofMembers(organizationId, userIds);
      const defaults = await preferences.ofOrganization(organizationId);
      const recorded: Notification[] = [];
      for (const { event, recipients } of told) {
        for (const recipient of recipients) {
          // Only members hear of an organization's tasks (an assignee or reporter may have left
          // it); an invitee is not one yet.
          if (recipient.kind !== 'invited' && !members.has(recipient.userId)) continue;
          const member = chosen.get(recipient.userId) ?? NO_CHOICES;
          const plan = deliveryPlan(
            recipient.kind,
            {
              member: member.channels,
              organization: defaults.channels,
              quietHours: member.quietHours,
            },
            event.occurredAt,
          );
          if (plan.channels.length === 0) continue;
          const notification = await record(deps, tx, event, recipient, plan);
          if (notification) recorded.push(notification);
        }
      }
      return recorded;
    },
    { organizationId },
  );
}

const NO_CHOICES: MemberPreferences = { channels: {}, quietHours: null, updatedAt: null };

/** The task an event is about: the subject of a task event, the task of a comment's. */
function taskIdOf(event: DomainEvent): string | null {
  if (event.subject.type === 'task') return event.subject.id;
  const taskId = event.change.task_id;
  return typeof taskId === 'string' ? taskId : null;
}

async function audienceOf(
  tx: Repositories,
  event: DomainEvent,
  watchers: ReadonlyMap<string, readonly string[]>,
): Promise<EventAudience> {
  const { audience } = tx.notifications;
  const organizationId = event.organizationId;
  if (event.type === 'invitation.created') {
    const email = event.change.email;
    const invitee = typeof email === 'string' ? await tx.users.findByEmail(email) : undefined;
    return { inviteeId: invitee?.id ?? null };
  }
  const taskId = taskIdOf(event);
  const watcherIds = taskId === null || !tellsWatchers(event) ? [] : (watchers.get(taskId) ?? []);
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
  plan: DeliveryPlan,
): Promise<Notification | undefined> {
  const coalesceSince = new Date(event.occurredAt.getTime() - deps.coalesceSeconds * 1000);
  const id = deps.ids.next();
  const recorded = await tx.notifications.record(
    {
      id,
      eventId: event.id,
      userId: recipient.userId,
      organizationId: event.organizationId,
      kind: recipient.kind,
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
