// The events' runtime: the bus (Redis pub/sub when Redis is configured, in process otherwise),
// the outbox over the events table, the dispatcher loop (in this process when WORKER_MODE=inline
// or in the worker process), its metrics and health probes, and the unit of work that nudges the
// dispatchers once a write has committed.
import type { Redis } from 'ioredis';
import type { Logger as PinoLogger } from 'pino';
import type { Registry } from 'prom-client';
import { BUS_CONSUMER, type EventConsumer } from '../application/events/dispatch-events.js';
import type { Outbox } from '../application/events/outbox.js';
import type { EventBus } from '../application/events/ports.js';
import type { Clock } from '../application/shared/ports.js';
import type { UnitOfWork } from '../application/shared/unit-of-work.js';
import type { HealthProbe } from '../adapters/http/operations/probes.js';
import { memoryEventBus } from '../adapters/memory/memory-event-bus.js';
import type { DatabaseHandle } from '../adapters/postgres/connect.js';
import { postgresOutbox } from '../adapters/postgres/outbox.js';
import { createRedisSubscriber } from '../adapters/redis/redis-client.js';
import { redisEventBus } from '../adapters/redis/redis-event-bus.js';
import { registerEventMetrics } from '../adapters/telemetry/event-metrics.js';
import type { BatchLoop } from '../adapters/worker/batch-loop.js';
import { consumerLoop, dispatchLoop, type DispatchLoop } from '../adapters/worker/dispatch-loop.js';
import type { Config } from './config.js';
import type { Closer } from './http-server.js';

export interface EventsRuntime {
  readonly bus: EventBus;
  readonly outbox: Outbox;
  /** The dispatcher, when this process runs one. */
  readonly dispatcher: DispatchLoop | undefined;
  /**
   * Feeds `consumer` the committed events behind its own cursor, in this process when it
   * dispatches (nothing otherwise: the worker process does).
   */
  consume(consumer: EventConsumer): void;
  /** Starts the dispatcher and the consumers' loops (when this process runs them). */
  start(): void;
  readonly probes: readonly HealthProbe[];
  /** Stop the dispatcher and the consumers first (before the database closes), the bus last. */
  readonly closeFirst: Closer;
  readonly closeLast: Closer;
}

export interface EventsSources {
  readonly config: Config;
  readonly database: DatabaseHandle;
  /** The command client, when Redis is configured: publishes (its subscriber is made here). */
  readonly redis: Redis | undefined;
  readonly logger: PinoLogger;
  readonly clock: Clock;
  readonly registry: Registry;
  /** Whether this process dispatches (the worker process always; the API when inline). */
  readonly dispatch: boolean;
}

/** An event past this age still waiting to be published makes the outbox degraded. */
const LAG_DEGRADED_SECONDS = 60;

export function composeEvents(sources: EventsSources): EventsRuntime {
  const { config, redis, logger, clock } = sources;
  const bus =
    redis && config.REDIS_URL
      ? redisEventBus(redis, createRedisSubscriber(config.REDIS_URL), {
          prefix: config.REDIS_KEY_PREFIX,
          publishTimeoutMs: config.EVENT_BUS_PUBLISH_TIMEOUT_MS,
          localNudges: sources.dispatch,
        })
      : memoryEventBus();
  const outbox = postgresOutbox(sources.database.db, sources.database.pipelined);
  const observer = registerEventMetrics(sources.registry, {
    ...(sources.dispatch && { backlog: () => outbox.backlog(BUS_CONSUMER) }),
    busStatus: () => bus.status(),
    now: () => clock.now(),
  });
  const dispatcher = sources.dispatch
    ? dispatchLoop(
        { outbox, bus, clock, logger: logger.child({ component: 'dispatcher' }) },
        {
          batchSize: config.WORKER_BATCH_SIZE,
          pollMs: config.WORKER_POLL_MS,
          nudgeDelayMs: config.WORKER_NUDGE_DELAY_MS,
          minIntervalMs: config.WORKER_DISPATCH_MIN_INTERVAL_MS,
          retentionDays: config.EVENT_RETENTION_DAYS,
          purgeEveryMs: config.EVENT_PURGE_INTERVAL_SECONDS * 1000,
        },
        observer,
      )
    : undefined;

  const busProbe: HealthProbe = {
    name: 'event_bus',
    critical: false,
    check: () =>
      Promise.resolve({
        status: bus.status() === 'up' ? 'ok' : 'degraded',
        adapter: redis ? 'redis' : 'memory',
      }),
  };
  // The worker's lag as the table shows it, whichever process dispatches: the age of the oldest
  // event not yet published, and how many wait.
  const outboxProbe: HealthProbe = {
    name: 'outbox',
    critical: false,
    check: async () => {
      const { depth, oldest } = await outbox.backlog(BUS_CONSUMER);
      const lagSeconds = oldest ? (clock.now().getTime() - oldest.getTime()) / 1000 : 0;
      const loop = dispatcher?.status();
      return {
        status: lagSeconds > LAG_DEGRADED_SECONDS ? 'degraded' : 'ok',
        worker: sources.dispatch ? 'in process' : 'separate',
        backlog: depth,
        lag_seconds: Math.round(lagSeconds * 1000) / 1000,
        ...(loop && {
          last_dispatch_at: loop.lastSuccessAt?.toISOString() ?? null,
          consecutive_failures: loop.consecutiveFailures,
        }),
      };
    },
  };

  const consumers: BatchLoop[] = [];
  let started = false;
  return {
    bus,
    outbox,
    dispatcher,
    consume(consumer) {
      if (!sources.dispatch) return;
      const loop = consumerLoop(
        consumer,
        { outbox, bus, clock, logger: logger.child({ component: 'consumer' }) },
        {
          batchSize: config.WORKER_BATCH_SIZE,
          pollMs: config.WORKER_POLL_MS,
          nudgeDelayMs: config.WORKER_BACKGROUND_NUDGE_DELAY_MS,
        },
      );
      consumers.push(loop);
      if (started) loop.start();
    },
    start() {
      started = true;
      dispatcher?.start();
      for (const loop of consumers) loop.start();
    },
    probes: [busProbe, outboxProbe],
    closeFirst: {
      name: 'event dispatcher',
      close: async () => {
        await Promise.all([dispatcher?.stop(), ...consumers.map((loop) => loop.stop())]);
      },
    },
    closeLast: { name: 'event bus', close: () => bus.close() },
  };
}

/** The unit of work whose runs, once committed, nudge the dispatchers (here and elsewhere). */
export function nudgingUnitOfWork(uow: UnitOfWork, bus: EventBus): UnitOfWork {
  const nudge = () => bus.nudge();
  return {
    ...uow,
    run: async (work, scope) => {
      const result = await uow.run(work, scope);
      // Inside a request's transaction, after that commits; otherwise now (the run committed).
      await uow.afterCommit(nudge);
      return result;
    },
  };
}
