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

/** A committed event and its place in the order every reader sees (what dispatch hands on). */
export interface PositionedEvent {
  readonly position: EventPosition;
  readonly event: DomainEvent;
}

/** Whether `a` comes before `b` in the readers' order (tx_id, then seq; both decimal text). */
export function isBefore(a: EventPosition, b: EventPosition): boolean {
  const tx = BigInt(a.txId) - BigInt(b.txId);
  return tx < 0n || (tx === 0n && BigInt(a.seq) < BigInt(b.seq));
}

/**
 * Hands dispatched events to every API process (Redis pub/sub; in process on the embedded
 * default). Best effort: a process that was not listening misses them and its sockets resume
 * from the events table.
 */
export interface EventBus {
  publish(events: readonly PositionedEvent[]): Promise<void>;
  /** Calls `listener` with each published batch, in publication order; returns the unsubscribe. */
  subscribe(listener: (events: readonly PositionedEvent[]) => void): () => void;
  /** A hint that events committed: wakes the dispatchers at once instead of at their next poll. */
  nudge(): void;
  onNudge(listener: () => void): () => void;
  /** Whether the bus is connected (always, in process). */
  status(): 'up' | 'down';
  close(): Promise<void>;
}
