// The worker's loop: dispatches the events table to the bus whenever it is nudged (a write
// committed, in this process or, through the bus, in another) and at least every `pollMs`; purges
// expired events every `purgeEveryMs`. A failure (PostgreSQL restarting, Redis down) is logged and
// retried with a growing pause: nothing is lost, the cursor only moves past what was published.
import {
  dispatchBatch,
  purgeExpiredEvents,
  type DispatchDeps,
  type DispatchObserver,
} from '../../application/events/dispatch-events.js';
import type { Logger } from '../../application/shared/ports.js';

export interface DispatchLoopOptions {
  readonly batchSize: number;
  /** The longest wait between two looks at the table when no nudge comes. */
  readonly pollMs: number;
  /**
   * How long a nudge waits before the table is read: the writes committing meanwhile go out in
   * the same batch (one read and one cursor move for several), at that much latency.
   */
  readonly nudgeDelayMs: number;
  readonly retentionDays: number;
  readonly purgeEveryMs: number;
}

export interface DispatchLoopStatus {
  /** When the loop last read the table without an error (undefined: not yet). */
  readonly lastSuccessAt: Date | undefined;
  readonly consecutiveFailures: number;
}

export interface DispatchLoop {
  start(): void;
  /** Looks at the table now (what a nudge does). */
  wake(): void;
  /** Stops the timers and waits for the batch in flight. */
  stop(): Promise<void>;
  status(): DispatchLoopStatus;
}

const MAX_BACKOFF_MS = 5_000;

export function dispatchLoop(
  deps: DispatchDeps & { readonly logger: Logger },
  options: DispatchLoopOptions,
  observer?: DispatchObserver,
): DispatchLoop {
  const { logger } = deps;
  let stopped = true;
  let again = false;
  let current: Promise<void> | undefined;
  let pollTimer: NodeJS.Timeout | undefined;
  let purgeTimer: NodeJS.Timeout | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;
  let lastSuccessAt: Date | undefined;
  let failures = 0;

  /** Batches until the table has no more than a partial batch, or another dispatcher has it. */
  async function drain(): Promise<void> {
    for (;;) {
      const result = await dispatchBatch(deps, options.batchSize, observer);
      lastSuccessAt = deps.clock.now();
      if (result === 'busy' || result < options.batchSize || stopped) return;
    }
  }

  let nudgeTimer: NodeJS.Timeout | undefined;
  /** A nudge: a look at the table once the writes of the next few milliseconds have joined it. */
  function nudged(): void {
    if (stopped || nudgeTimer !== undefined) return;
    if (options.nudgeDelayMs === 0) return wake();
    nudgeTimer = setTimeout(() => {
      nudgeTimer = undefined;
      wake();
    }, options.nudgeDelayMs);
  }

  function wake(): void {
    if (stopped) return;
    if (current !== undefined) {
      again = true; // the batch in flight may have read before this write committed
      return;
    }
    current = (async () => {
      do {
        again = false;
        try {
          await drain();
          failures = 0;
        } catch (error) {
          failures += 1;
          logger.warn({ err: error, failures }, 'event dispatch failed; retrying');
          const pause = Math.min(MAX_BACKOFF_MS, options.pollMs * 2 ** (failures - 1));
          clearTimeout(retryTimer);
          retryTimer = setTimeout(wake, pause);
          retryTimer.unref();
          return;
        }
      } while (again && !stopped);
    })().finally(() => {
      current = undefined;
    });
  }

  let purging: Promise<void> | undefined;
  function purge(): void {
    purging ??= purgeExpiredEvents(deps, options.retentionDays, logger)
      .then(() => undefined)
      .catch((error: unknown) => {
        logger.warn({ err: error }, 'event purge failed; trying again at the next round');
      })
      .finally(() => {
        purging = undefined;
      });
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      unsubscribe = deps.bus.onNudge(nudged);
      pollTimer = setInterval(wake, options.pollMs);
      pollTimer.unref();
      purgeTimer = setInterval(purge, options.purgeEveryMs);
      purgeTimer.unref();
      purge();
      wake();
    },
    wake,
    async stop() {
      stopped = true;
      unsubscribe?.();
      clearInterval(pollTimer);
      clearInterval(purgeTimer);
      clearTimeout(retryTimer);
      clearTimeout(nudgeTimer);
      await Promise.all([current, purging]);
    },
    status: () => ({ lastSuccessAt, consecutiveFailures: failures }),
  };
}
