// The dispatcher's metrics, on the process's registry: how long events waited from their write to
// their publication (the outbox lag), how many went out by outcome, how many are still waiting,
// and whether the event bus is connected (read at each scrape).
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { DispatchObserver } from '../../application/events/dispatch-events.js';

export interface EventMetricSources {
  /** The events not yet published and when the oldest occurred (a query: read at each scrape). */
  readonly backlog?: () => Promise<{ depth: number; oldest: Date | null }>;
  readonly busStatus: () => 'up' | 'down';
  readonly now: () => Date;
}

export function registerEventMetrics(
  registry: Registry,
  sources: EventMetricSources,
): DispatchObserver {
  const registers = [registry];
  const lag = new Histogram({
    name: 'outbox_dispatch_lag_seconds',
    help: 'Seconds from an event’s write to its publication on the event bus',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers,
  });
  const dispatched = new Counter({
    name: 'outbox_dispatched_events_total',
    help: 'Events handed to the event bus, by outcome (published, failed: published again later)',
    labelNames: ['outcome'] as const,
    registers,
  });
  const { backlog } = sources;
  if (backlog) {
    // Registered before the age gauge, whose value its collect sets: scrapes read them in order.
    new Gauge({
      name: 'outbox_backlog_events',
      help: 'Committed events not yet published on the event bus (the queue depth)',
      registers,
      async collect() {
        const state = await backlog().catch(() => undefined);
        if (state === undefined) return;
        this.set(state.depth);
        oldest.set(state.oldest ? (sources.now().getTime() - state.oldest.getTime()) / 1000 : 0);
      },
    });
    const oldest = new Gauge({
      name: 'outbox_oldest_pending_seconds',
      help: 'Age of the oldest event not yet published (0 when none waits)',
      registers,
    });
  }
  new Gauge({
    name: 'event_bus_up',
    help: '1 while the event bus (Redis pub/sub, or in process) is connected',
    registers,
    collect() {
      this.set(sources.busStatus() === 'up' ? 1 : 0);
    },
  });
  return {
    dispatched(outcome, events, at) {
      dispatched.inc({ outcome }, events.length);
      if (outcome !== 'published') return;
      for (const { event } of events) {
        lag.observe(Math.max(0, (at.getTime() - event.occurredAt.getTime()) / 1000));
      }
    },
  };
}
