// Who is told of an event, and why: pure, so that every rule is tested by a table of cases
// (test/unit/domain/notifications/recipients.test.ts). The worker gathers what an event does not
// say itself (the task's watchers, the members a comment mentions, the invitee's account) and
// this decides; the actor is never told of their own change.
import type { DomainEvent } from '../events/event.js';

export const NOTIFICATION_KINDS = [
  'assigned',
  'unassigned',
  'mentioned',
  'request_updated',
  'watched_task',
  'invited',
] as const;

export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** What the worker looked up for an event; absent where the event needs none. */
export interface EventAudience {
  /** The task's watchers (members still). */
  readonly watcherIds?: readonly string[];
  /** The members a comment mentions (unknown mentions are already dropped). */
  readonly mentionedIds?: readonly string[];
  /** The invited person's user id, when the address has an account. */
  readonly inviteeId?: string | null;
}

export interface Recipient {
  readonly userId: string;
  readonly kind: NotificationKind;
}

type Event = Pick<DomainEvent, 'type' | 'actor' | 'reporterId' | 'assigneeId' | 'change'>;

/** The events whose task's watchers hear of them. */
const WATCHED: readonly string[] = [
  'task.updated',
  'task.moved',
  'task.deleted',
  'task.restored',
  'comment.created',
];

/** Whether the task's watchers hear of the event (only then are they looked up). */
export const tellsWatchers = (event: Pick<Event, 'type'>): boolean => WATCHED.includes(event.type);

/**
 * Whether anyone may be told of the event: the others (most of them: creations without an
 * assignee, labels, projects…) need no look-up and no transaction.
 */
export function mayTellAnyone(event: Event): boolean {
  if (event.type === 'task.created') {
    return event.assigneeId !== null && event.assigneeId !== event.actor.id;
  }
  return tellsWatchers(event) || event.type === 'invitation.created';
}

const fieldChange = (event: Event, field: string): { from: unknown; to: unknown } | undefined => {
  const value = event.change[field];
  return typeof value === 'object' && value !== null && 'to' in value
    ? (value as { from: unknown; to: unknown })
    : undefined;
};

const asId = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/**
 * Each recipient once, with the most specific reason (a watcher who is also the new assignee is
 * told `assigned`): the candidates are listed most specific first and the first one wins.
 */
export function recipientsOf(event: Event, audience: EventAudience): Recipient[] {
  const candidates: Recipient[] = [];
  const add = (userId: string | null | undefined, kind: NotificationKind) => {
    if (userId) candidates.push({ userId, kind });
  };
  // A creation's change is a summary of the new task, not a diff: its assignee is the event's.
  if (event.type === 'task.created') add(event.assigneeId, 'assigned');
  const assignee = fieldChange(event, 'assignee_id');
  if (assignee && event.type === 'task.updated') {
    add(asId(assignee.to), 'assigned');
    add(asId(assignee.from), 'unassigned');
  }
  if (event.type === 'comment.created') {
    for (const id of audience.mentionedIds ?? []) add(id, 'mentioned');
  }
  const statusChanged = fieldChange(event, 'status_id') !== undefined;
  if (event.type === 'comment.created' || (event.type !== 'task.created' && statusChanged)) {
    add(event.reporterId, 'request_updated');
  }
  if (tellsWatchers(event)) {
    for (const id of audience.watcherIds ?? []) add(id, 'watched_task');
  }
  if (event.type === 'invitation.created') add(audience.inviteeId, 'invited');

  const told = new Set<string>([event.actor.id]);
  const recipients: Recipient[] = [];
  for (const candidate of candidates) {
    if (told.has(candidate.userId)) continue;
    told.add(candidate.userId);
    recipients.push(candidate);
  }
  return recipients;
}

/** The line a notification shows; `count` events folded into it. */
export function summaryOf(
  kind: NotificationKind,
  subjectKey: string | null,
  count: number,
): string {
  const task = subjectKey ?? 'a task';
  const more = count > 1 ? ` (${count} changes)` : '';
  switch (kind) {
    case 'assigned':
      return `You were assigned ${task}${more}`;
    case 'unassigned':
      return `You were unassigned from ${task}${more}`;
    case 'mentioned':
      return `You were mentioned in a comment on ${task}${more}`;
    case 'request_updated':
      return `Your request ${task} was updated${more}`;
    case 'watched_task':
      return `${task} you watch changed${more}`;
    case 'invited':
      return 'You were invited to an organization';
  }
}
