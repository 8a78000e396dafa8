// The realtime protocol's pure rules: what a socket may subscribe to, which events a subscription
// lets through, which events change what a subscriber may read, and the close codes the server
// ends a socket with (docs/api.md, "Realtime").
import type { DomainEvent } from './event.js';

/**
 * Why the server closed a socket, as the WebSocket close code the client reads. 1001 and the
 * heartbeat's cut connection (the client sees 1006) are the protocol's own; 4xxx are ours.
 */
export const CLOSE_CODES = {
  /** The server is stopping: reconnect (to another instance) and resume. */
  goingAway: 1001,
  /** The access token expired (or the session ended): get a new token, reconnect, resume. */
  reauthenticate: 4401,
  /** The caller lost access to an organization it was subscribed to (removed, key revoked). */
  accessRevoked: 4403,
  /** The socket read too slowly and its send buffer filled: reconnect and resume. */
  slowConsumer: 4008,
  /** Something failed on the server (a grant could not be read): reconnect and resume. */
  serverError: 1011,
} as const;

export type CloseCode = (typeof CLOSE_CODES)[keyof typeof CLOSE_CODES];

/** One subscription within an organization: the whole of it, one project, or one task. */
export interface EventFilter {
  readonly projectId?: string | undefined;
  readonly taskId?: string | undefined;
}

/** A stable name for a filter, so that subscribing twice is one subscription. */
export function filterKey(filter: EventFilter): string {
  if (filter.taskId !== undefined) return `task:${filter.taskId}`;
  if (filter.projectId !== undefined) return `project:${filter.projectId}`;
  return 'organization';
}

/** The task an event is about: a task's own event, or a comment's (its change names the task). */
export function taskOfEvent(event: Pick<DomainEvent, 'subject' | 'change'>): string | null {
  if (event.subject.type === 'task') return event.subject.id;
  const taskId = event.change.task_id;
  return typeof taskId === 'string' ? taskId : null;
}

/** Whether `event` falls within `filter` (the organization is checked by the caller). */
export function withinFilter(
  filter: EventFilter,
  event: Pick<DomainEvent, 'subject' | 'change' | 'projectId'>,
): boolean {
  if (filter.taskId !== undefined) return taskOfEvent(event) === filter.taskId;
  if (filter.projectId !== undefined) return event.projectId === filter.projectId;
  return true;
}

/** Whether any of a socket's filters in an organization lets `event` through. */
export function withinAny(
  filters: Iterable<EventFilter>,
  event: Pick<DomainEvent, 'subject' | 'change' | 'projectId'>,
): boolean {
  for (const filter of filters) if (withinFilter(filter, event)) return true;
  return false;
}

/** Who a subscriber is, as far as the events about access are concerned. */
export interface Subscriber {
  /** The user id, or the API key id. */
  readonly actorId: string;
  readonly kind: 'user' | 'apikey';
  /** Built-in role name or custom role id (the grant's). */
  readonly role: string;
}

/**
 * Whether `event` takes the subscriber's access to the organization away at once: the member
 * removed is them, or the API key revoked is theirs. Their sockets close without waiting for a
 * database read.
 */
export function revokesAccess(
  subscriber: Pick<Subscriber, 'actorId' | 'kind'>,
  event: DomainEvent,
): boolean {
  if (subscriber.kind === 'user') {
    return event.type === 'member.removed' && event.subject.id === subscriber.actorId;
  }
  return event.type === 'api_key.revoked' && event.subject.id === subscriber.actorId;
}

/**
 * Whether `event` may change what the subscriber is granted, so that the grant is resolved
 * again before this event (and any after it) is delivered: a change to their own membership, or
 * to the custom role they hold.
 */
export function changesGrant(subscriber: Subscriber, event: DomainEvent): boolean {
  if (event.type.startsWith('member.')) return event.subject.id === subscriber.actorId;
  if (event.type.startsWith('role.')) return event.subject.id === subscriber.role;
  return false;
}
