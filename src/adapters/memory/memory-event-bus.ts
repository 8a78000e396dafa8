// The event bus of the embedded default: one process, so publishing is calling the listeners.
// The dispatcher runs in the API process there, and this hands its batches to the sockets.
import type { EventBus, PositionedEvent, RealtimeSignal } from '../../application/events/ports.js';

export function memoryEventBus(): EventBus {
  const listeners = new Set<(events: readonly PositionedEvent[]) => void>();
  const nudgeListeners = new Set<() => void>();
  const signalListeners = new Set<(signal: RealtimeSignal) => void>();
  /** Calls each listener; one that throws is its own failure: the others still hear it. */
  const tell = <T>(all: Set<(value: T) => void>, value: T) => {
    for (const listener of all) {
      try {
        listener(value);
      } catch {
        /* the listener logs its own errors */
      }
    }
  };
  const add = <T>(all: Set<(value: T) => void>, listener: (value: T) => void) => {
    const own = (value: T) => listener(value);
    all.add(own);
    return () => void all.delete(own);
  };
  return {
    publish(events) {
      tell(listeners, events);
      return Promise.resolve();
    },
    subscribe: (listener) => add(listeners, listener),
    nudge() {
      for (const listener of nudgeListeners) listener();
    },
    onNudge(listener) {
      const own = () => listener();
      nudgeListeners.add(own);
      return () => nudgeListeners.delete(own);
    },
    signal(signal) {
      tell(signalListeners, signal);
      return Promise.resolve();
    },
    onSignal: (listener) => add(signalListeners, listener),
    status: () => 'up',
    close() {
      listeners.clear();
      nudgeListeners.clear();
      signalListeners.clear();
      return Promise.resolve();
    },
  };
}
