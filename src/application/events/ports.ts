// The events of an organization: appended in the transaction of the write they tell of, read in
// an order that never skips one (see EventLog.list).
import type { ActivityEntry } from '../../domain/events/activity.js';
import type { DomainEvent, EventType, EventVisibility } from '../../domain/events/event.js';

/** Where an event stands in the order readers see: its transaction, then its place in it. */
export interface EventPosition {
  readonly txId: string;
  readonly seq: string;
}

export interface EventLog {
  /** Stores `event` in the current transaction: it exists if and only if that commits. */
  append(event: DomainEvent): Promise<void>;
  /** The position of event `id` of the organization, or undefined (unknown, or purged). */
  positionOf(organizationId: string, id: string): Promise<EventPosition | undefined>;
  /**
   * Committed events after `after` (from the oldest kept when absent), of the types asked (all
   * when absent) that `visibility` lets through, oldest first, at most `limit`. Only events of
   * transactions that ended before every transaction still running are read: one that started
   * earlier and commits later is read before anything after it, never skipped.
   */
  list(
    organizationId: string,
    visibility: EventVisibility,
    page: {
      readonly after?: EventPosition | undefined;
      readonly types?: readonly EventType[] | undefined;
      readonly limit: number;
    },
  ): Promise<DomainEvent[]>;
  /**
   * The project's events that `visibility` lets through, newest first, at most `limit`, before
   * `before` (the id of the last entry of the previous page), with the actor's name and, for what
   * is about a task, the task's current title.
   */
  activity(
    organizationId: string,
    projectId: string,
    visibility: EventVisibility,
    page: { readonly before?: string | undefined; readonly limit: number },
  ): Promise<ActivityEntry[]>;
}
