// The worker's two jobs on the events table: hand the committed events on to the event bus, in
// order, at least once; and delete what is older than the retention period once it was handed on.
import type { Clock, Logger } from '../shared/ports.js';
import { purgeOlderThan } from '../shared/retention.js';
import type { Repositories } from '../shared/unit-of-work.js';
import type { Outbox } from './outbox.js';
import type { EventBus, PositionedEvent } from './ports.js';

/** The cursor of the bus: how far the events reached the API processes' sockets. */
export const BUS_CONSUMER = 'bus';

export interface DispatchDeps {
  readonly outbox: Outbox;
  readonly bus: EventBus;
  readonly clock: Clock;
}

export interface DispatchObserver {
  /** A batch handed on (or not): how many, and each event's wait from its write. */
  dispatched(outcome: 'published' | 'failed', events: readonly PositionedEvent[], at: Date): void;
}

/**
 * Publishes the next batch (at most `batchSize`): how many were published, or 'busy' when
 * another dispatcher holds the cursor. A publish that fails leaves the cursor where it was and
 * throws: the same batch goes out on the next attempt.
 */
export async function dispatchBatch(
  deps: DispatchDeps,
  batchSize: number,
  observer?: DispatchObserver,
): Promise<number | 'busy'> {
  return deps.outbox.dispatch(BUS_CONSUMER, batchSize, async (events) => {
    try {
      await deps.bus.publish(events);
    } catch (error) {
      observer?.dispatched('failed', events, deps.clock.now());
      throw error;
    }
    observer?.dispatched('published', events, deps.clock.now());
  });
}

/**
 * What reacts to the committed events besides the bus (notifications, webhooks): a cursor of its
 * own in the outbox, moved at its own pace. `handle` runs inside the transaction that holds the
 * cursor, so it does quick writes only (a row per notification or delivery), never network calls:
 * those are jobs the worker runs afterwards.
 */
export interface EventConsumer {
  /**
   * Its cursor's name in the outbox (stable). A new name starts at the head of the log; the
   * worker's own consumers get theirs with the schema (migration 0037), before the first event.
   */
  readonly name: string;
  /**
   * Does what the events call for, writing through `tx`: the cursor's transaction, so its rows
   * commit with the cursor's move or not at all (and on PGlite's one connection, a transaction of
   * its own would wait for the cursor's forever). At least once: after a crash or a throw the
   * same events come again, so it must be idempotent (keyed by the event's id).
   */
  handle(events: readonly PositionedEvent[], tx: Repositories): Promise<void>;
}

/** Hands `consumer` its next batch (at most `batchSize`): how many, or 'busy' (see dispatchBatch). */
export async function consumeBatch(
  outbox: Outbox,
  consumer: EventConsumer,
  batchSize: number,
): Promise<number | 'busy'> {
  return outbox.dispatch(consumer.name, batchSize, (events, tx) => consumer.handle(events, tx));
}

/** Deletes the events older than `retentionDays` that every consumer is past; how many. */
export function purgeExpiredEvents(
  deps: Pick<DispatchDeps, 'outbox' | 'clock'>,
  retentionDays: number,
  logger?: Logger,
): Promise<number> {
  return purgeOlderThan(
    deps.clock,
    retentionDays,
    (before, limit) => deps.outbox.purge(before, limit),
    {
      logger,
      what: 'expired events',
    },
  );
}
