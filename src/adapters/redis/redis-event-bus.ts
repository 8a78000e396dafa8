// The event bus across API processes: Redis pub/sub. The dispatcher publishes each batch on one
// channel; every process's subscriber hands it to its sockets. Nudges (a write committed: wake
// the dispatchers) go on a second channel: the first after a quiet spell at the end of its
// event-loop turn, the rest at most one per `nudgeWindowMs` per process (every process hears
// each one, and a dispatcher waits tens of milliseconds after a nudge anyway, to take the writes
// of that time in one read); a process that runs the loops itself nudges only them, with no
// message (`localNudges`). The realtime signals (sessions ended, messages for a user) go on a
// third.
// Pub/sub keeps nothing: a process that was disconnected misses what was published meanwhile,
// and its sockets catch up from the events table (resume).
import type { Redis } from 'ioredis';
import type { EventBus, PositionedEvent, RealtimeSignal } from '../../application/events/ports.js';
import type { DomainEvent } from '../../domain/events/event.js';
import { withinDeadline } from './deadline.js';

export interface RedisEventBusOptions {
  /** Channel names start with it (REDIS_KEY_PREFIX), so deployments sharing a Redis stay apart. */
  readonly prefix: string;
  /** How long a publish may wait for Redis before the dispatcher counts it failed and retries. */
  readonly publishTimeoutMs: number;
  /**
   * Nudges from this process within this many milliseconds of the last one are sent as one, at
   * the window's end (10 unless told). A write committed in a quiet spell is nudged at once.
   */
  readonly nudgeWindowMs?: number;
  /**
   * This process runs the loops that nudges wake (the worker process, or an API process with the
   * worker inside): its own nudges go to its own listeners at once, with no message, since its
   * loops do what its writes leave (a dispatcher elsewhere would find the work done or the cursor
   * taken). Other processes' nudges still reach them.
   */
  readonly localNudges?: boolean;
}

type Wire = [txId: string, seq: string, event: DomainEvent];

export function redisEventBus(
  publisher: Redis,
  subscriber: Redis,
  options: RedisEventBusOptions,
): EventBus {
  const eventsChannel = `${options.prefix}events`;
  const nudgeChannel = `${options.prefix}events:nudge`;
  const signalChannel = `${options.prefix}realtime:signals`;
  const listeners = new Set<(events: readonly PositionedEvent[]) => void>();
  const nudgeListeners = new Set<() => void>();
  const signalListeners = new Set<(signal: RealtimeSignal) => void>();
  const nudgeWindowMs = options.nudgeWindowMs ?? 10;
  /** A nudge is due to go out (at the end of this turn, or of the window). */
  let nudgePending = false;
  let lastNudgeAt = Number.NEGATIVE_INFINITY;
  let nudgeTimer: NodeJS.Timeout | undefined;

  /** Wakes this process's nudge listeners (its loops). */
  const nudgeHere = () => {
    for (const listener of nudgeListeners) listener();
  };

  const hear = (channel: string, message: string) => {
    if (channel === nudgeChannel) {
      nudgeHere();
      return;
    }
    if (channel === signalChannel) {
      const signal = JSON.parse(message) as RealtimeSignal;
      for (const listener of signalListeners) {
        try {
          listener(signal);
        } catch {
          /* the listener logs its own errors */
        }
      }
      return;
    }
    if (channel !== eventsChannel) return;
    const events = (JSON.parse(message) as Wire[]).map(([txId, seq, event]): PositionedEvent => ({
      position: { txId, seq },
      event: { ...event, occurredAt: new Date(event.occurredAt) },
    }));
    for (const listener of listeners) {
      try {
        listener(events);
      } catch {
        /* the listener logs its own errors */
      }
    }
  };
  subscriber.on('message', hear);
  void subscriber.subscribe(eventsChannel, nudgeChannel, signalChannel).catch(() => undefined);

  return {
    async publish(events) {
      const wire: Wire[] = events.map(({ position, event }) => [
        position.txId,
        position.seq,
        event,
      ]);
      await withinDeadline(
        publisher.publish(eventsChannel, JSON.stringify(wire)),
        options.publishTimeoutMs,
      );
    },
    subscribe(listener) {
      const own = (events: readonly PositionedEvent[]) => listener(events);
      listeners.add(own);
      return () => listeners.delete(own);
    },
    nudge() {
      if (options.localNudges) {
        nudgeHere();
        return;
      }
      if (nudgePending) return;
      nudgePending = true;
      const send = () => {
        nudgePending = false;
        nudgeTimer = undefined;
        lastNudgeAt = performance.now();
        // A lost nudge costs latency only: the dispatchers poll as well.
        publisher.publish(nudgeChannel, '').catch(() => undefined);
      };
      const wait = lastNudgeAt + nudgeWindowMs - performance.now();
      if (wait > 0) nudgeTimer = setTimeout(send, wait).unref();
      else setImmediate(send);
    },
    onNudge(listener) {
      const own = () => listener();
      nudgeListeners.add(own);
      return () => nudgeListeners.delete(own);
    },
    async signal(signal) {
      await withinDeadline(
        publisher.publish(signalChannel, JSON.stringify(signal)),
        options.publishTimeoutMs,
      );
    },
    onSignal(listener) {
      const own = (signal: RealtimeSignal) => listener(signal);
      signalListeners.add(own);
      return () => signalListeners.delete(own);
    },
    status: () => (subscriber.status === 'ready' ? 'up' : 'down'),
    async close() {
      clearTimeout(nudgeTimer);
      subscriber.off('message', hear);
      listeners.clear();
      nudgeListeners.clear();
      signalListeners.clear();
      subscriber.disconnect();
      await Promise.resolve();
    },
  };
}
