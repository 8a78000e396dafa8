// The event bus of the embedded default: one process, so publishing is calling the listeners.
// The dispatcher runs in the API process there, and this hands its batches to the sockets.
import type { EventBus, PositionedEvent } from '../../application/events/ports.js';

export function memoryEventBus(): EventBus {
  const listeners = new Set<(events: readonly PositionedEvent[]) => void>();
  const nudgeListeners = new Set<() => void>();
  return {
    publish(events) {
      // A listener that throws is its own failure: the others still hear the batch.
      for (const listener of listeners) {
        try {
          listener(events);
        } catch {
          /* the listener logs its own errors */
        }
      }
      return Promise.resolve();
    },
    subscribe(listener) {
      const own = (events: readonly PositionedEvent[]) => listener(events);
      listeners.add(own);
      return () => listeners.delete(own);
    },
    nudge() {
      for (const listener of nudgeListeners) listener();
    },
    onNudge(listener) {
      const own = () => listener();
      nudgeListeners.add(own);
      return () => nudgeListeners.delete(own);
    },
    status: () => 'up',
    close() {
      listeners.clear();
      nudgeListeners.clear();
      return Promise.resolve();
    },
  };
}
