// The job runner's loop: runs due jobs whenever it is nudged (a write committed, in this process
// or, through the bus, in another: the write may have enqueued a job) and at least every `pollMs`
// (a retry coming due). A failure of the queue itself (PostgreSQL restarting) is logged and
// retried with a growing pause; a job claimed meanwhile runs again once its lease passes.
import type { EventBus } from '../../application/events/ports.js';
import {
  runDueJobs,
  type JobObserver,
  type JobRunnerDeps,
  type JobRunnerOptions,
} from '../../application/jobs/run-jobs.js';

export interface JobLoopOptions extends JobRunnerOptions {
  /** The longest wait between two looks at the table when no nudge comes. */
  readonly pollMs: number;
  /**
   * How long a nudge waits before the table is looked at: every committed write nudges, most
   * enqueue nothing, so the nudges of a busy moment share one look.
   */
  readonly nudgeDelayMs: number;
}

export interface JobLoopStatus {
  /** When the loop last looked at the table without an error (undefined: not yet). */
  readonly lastSuccessAt: Date | undefined;
  readonly consecutiveFailures: number;
}

export interface JobLoop {
  start(): void;
  /** Looks for due jobs now (what a nudge does). */
  wake(): void;
  /** Resolves once a look begun after this call has ended (tests: "the due jobs have run"). */
  settled(): Promise<void>;
  /** Stops the timers and waits for the jobs in flight. */
  stop(): Promise<void>;
  status(): JobLoopStatus;
}

const MAX_BACKOFF_MS = 5_000;

export function jobLoop(
  deps: JobRunnerDeps & { readonly bus: Pick<EventBus, 'onNudge'> },
  options: JobLoopOptions,
  observer?: JobObserver,
): JobLoop {
  const { logger } = deps;
  let stopped = true;
  let again = false;
  let current: Promise<void> | undefined;
  let pollTimer: NodeJS.Timeout | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;
  let lastSuccessAt: Date | undefined;
  let failures = 0;
  let nudgeTimer: NodeJS.Timeout | undefined;

  /** Batches until fewer than a full batch were due. */
  async function drain(): Promise<void> {
    for (;;) {
      const claimed = await runDueJobs(deps, options, observer);
      lastSuccessAt = deps.clock.now();
      if (claimed < options.batchSize || stopped) return;
    }
  }

  function wake(): void {
    if (stopped) return;
    if (current !== undefined) {
      again = true; // the round in flight may have looked before this job committed
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
          logger.warn({ err: error, failures }, 'running jobs failed; retrying');
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

  function nudged(): void {
    if (stopped || nudgeTimer !== undefined) return;
    if (options.nudgeDelayMs === 0) return wake();
    nudgeTimer = setTimeout(() => {
      nudgeTimer = undefined;
      wake();
    }, options.nudgeDelayMs);
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      unsubscribe = deps.bus.onNudge(nudged);
      pollTimer = setInterval(wake, options.pollMs);
      pollTimer.unref();
      wake();
    },
    wake,
    async settled() {
      wake();
      // A round already in flight goes again after itself (`again`): wait until none is.
      while (current !== undefined) await current;
    },
    async stop() {
      stopped = true;
      unsubscribe?.();
      clearInterval(pollTimer);
      clearTimeout(retryTimer);
      clearTimeout(nudgeTimer);
      await current;
    },
    status: () => ({ lastSuccessAt, consecutiveFailures: failures }),
  };
}
