// The outbox: the events table as the dispatcher and the consumers read it. Apart from ports.ts
// because its consumers write through the repositories of the cursor's transaction (ports.ts is
// what the repositories themselves import).
import type { Repositories } from '../shared/unit-of-work.js';
import type { PositionedEvent } from './ports.js';

/**
 * The events table as the dispatcher reads it: every organization's committed events, in the
 * readers' order, behind a cursor per consumer that moves only when what it covers was handed on.
 */
export interface Outbox {
  /**
   * Takes `consumer`'s cursor (one dispatcher at a time: 'busy' when another holds it), hands
   * `deliver` the committed events after it (at most `limit`, oldest first) and, once `deliver`
   * resolves, moves the cursor past them in the same transaction (`tx`: the repositories of that
   * transaction, whose writes commit with the cursor's move). A `deliver` that throws, or a
   * process that dies before the commit, leaves the cursor where it was: the events are handed on
   * again (at least once; consumers tell repeats by position).
   */
  dispatch(
    consumer: string,
    limit: number,
    deliver: (events: readonly PositionedEvent[], tx: Repositories) => Promise<void>,
  ): Promise<number | 'busy'>;
  /** Deletes up to `limit` events older than `before` that every consumer is past; how many. */
  purge(before: Date, limit: number): Promise<number>;
  /** Committed events not yet past `consumer`'s cursor, and when the oldest of them occurred. */
  backlog(consumer: string): Promise<{ readonly depth: number; readonly oldest: Date | null }>;
}
