// The worker's loops over the events table: the dispatcher, which hands the committed events to
// the bus and purges expired ones every `purgeEveryMs`; and a consumer's loop (notifications,
// webhooks), which hands them to the consumer behind its own cursor. Both drain whenever a write
// commits (the bus's nudge) and at least every `pollMs`, and retry with a growing pause after a
// failure: nothing is lost, a cursor only moves past what was handed on.
import {
  consumeBatch,
  dispatchBatch,
  purgeExpiredEvents,
  type DispatchDeps,
  type DispatchObserver,
  type EventConsumer,
} from '../../application/events/dispatch-events.js';
import type { Logger } from '../../application/shared/ports.js';
import { batchLoop, type BatchLoop, type BatchLoopOptions } from './batch-loop.js';
import { periodic, withChore } from './periodic.js';

export interface ConsumerLoopOptions extends BatchLoopOptions {
  readonly batchSize: number;
}

export interface DispatchLoopOptions extends ConsumerLoopOptions {
  readonly retentionDays: number;
  readonly purgeEveryMs: number;
}

export type DispatchLoop = BatchLoop;

type LoopDeps = DispatchDeps & { readonly logger: Logger };

/** Batches until the table has no more than a partial batch, or another process has the cursor. */
const untilDrained = (batchSize: number) => (result: number | 'busy') =>
  result === 'busy' || result < batchSize ? ('done' as const) : ('more' as const);

export function dispatchLoop(
  deps: LoopDeps,
  options: DispatchLoopOptions,
  observer?: DispatchObserver,
): DispatchLoop {
  const { logger } = deps;
  const drained = untilDrained(options.batchSize);
  const loop = batchLoop(
    {
      step: async () => drained(await dispatchBatch(deps, options.batchSize, observer)),
      onNudge: (listener) => deps.bus.onNudge(listener),
      clock: deps.clock,
      logger,
    },
    options,
  );

  const purge = periodic(
    'event purge',
    () => purgeExpiredEvents(deps, options.retentionDays, logger),
    options.purgeEveryMs,
    logger,
  );
  return withChore(loop, purge);
}

/** The loop that feeds `consumer` the committed events behind its own cursor. */
export function consumerLoop(
  consumer: EventConsumer,
  deps: LoopDeps,
  options: ConsumerLoopOptions,
): BatchLoop {
  const drained = untilDrained(options.batchSize);
  return batchLoop(
    {
      step: async () => drained(await consumeBatch(deps.outbox, consumer, options.batchSize)),
      onNudge: (listener) => deps.bus.onNudge(listener),
      clock: deps.clock,
      logger: deps.logger.child({ consumer: consumer.name }),
    },
    options,
  );
}
