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

/**
 * Whether `a` comes before `b` in the readers' order (tx_id, then seq). Both are decimal text
 * without leading zeros (PostgreSQL's ::text of xid8 and bigint), so the shorter is the smaller
 * and text of one length compares as numbers do: no parsing, which a hub comparing every event
 * for every socket would pay a thousand times an event.
 */
export function isBefore(a: EventPosition, b: EventPosition): boolean {
  const tx = compareDecimal(a.txId, b.txId);
  return tx < 0 || (tx === 0 && compareDecimal(a.seq, b.seq) < 0);
}

function compareDecimal(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A message for one user's sockets (their `user` channel): issue 16's notifications go there. */
export interface UserMessage {
  /** The frame's `type` (e.g. `notification`); the frame also says `"channel":"user"`. */
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/**
 * What the API processes tell every realtime hub besides events: sessions that ended (their
 * sockets close at once), and messages for a user's sockets. Best effort, like the events.
 */
export type RealtimeSignal =
  | { readonly type: 'sessions.ended'; readonly sessionIds: readonly string[] }
  | { readonly type: 'user.message'; readonly userId: string; readonly message: UserMessage };

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
  /** Hands `signal` to the signal listeners of every API process (this one's too). */
  signal(signal: RealtimeSignal): Promise<void>;
  onSignal(listener: (signal: RealtimeSignal) => void): () => void;
  /** Whether the bus is connected (always, in process). */
  status(): 'up' | 'down';
  close(): Promise<void>;
}
