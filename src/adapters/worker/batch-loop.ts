// A worker's loop over work kept in PostgreSQL: it drains (step after step until a step says the
// table has no more) whenever it is nudged (a write committed, in this process or, through the
// bus, in another) — `nudgeDelayMs` later, and under a stream of writes no more often than
// every `minIntervalMs` — and otherwise `pollMs` after its last look (a loop nudged all the time
// never polls besides). A failure (PostgreSQL restarting, Redis down, a receiver failing the whole
// step) is logged and retried after a pause that doubles from `pollMs` up to 5 s, and no poll
// comes meanwhile (a nudge still does: a write committed, so the database may be back): the work
// stays in the table until a step has done it.
import type { Clock, Logger } from '../../application/shared/ports.js';

export interface BatchLoopOptions {
  /** How long after a look ends the next one comes, when no nudge comes first. */
  readonly pollMs: number;
  /**
   * How long a nudge waits before the table is read: the writes committing meanwhile are taken
   * in the same step (one read for several), at that much latency.
   */
  readonly nudgeDelayMs: number;
  /**
   * The least time from the start of one look to that of the next a nudge brings (default 0): a
   * lone write waits `nudgeDelayMs`, a stream of writes is read in batches this far apart.
   */
  readonly minIntervalMs?: number;
}

export interface BatchLoopDeps {
  /** One step of work: 'more' when another may find work at once, 'done' when it need not. */
  readonly step: () => Promise<'more' | 'done'>;
  /** Subscribes to the nudges of committed writes; returns the unsubscribe. */
  readonly onNudge: (listener: () => void) => () => void;
  readonly clock: Clock;
  readonly logger: Logger;
}

export interface BatchLoopStatus {
  /** When the loop last read the table without an error (undefined: not yet). */
  readonly lastSuccessAt: Date | undefined;
  readonly consecutiveFailures: number;
}

export interface BatchLoop {
  start(): void;
  /** Looks at the table now (what a nudge does). */
  wake(): void;
  /** Resolves once a look begun after this call has ended (tests: "the due work has run"). */
  settled(): Promise<void>;
  /** Stops the timers and waits for the step in flight. */
  stop(): Promise<void>;
  status(): BatchLoopStatus;
}

const MAX_BACKOFF_MS = 5_000;

export function batchLoop(deps: BatchLoopDeps, options: BatchLoopOptions): BatchLoop {
  const { logger } = deps;
  let stopped = true;
  let again = false;
  let current: Promise<void> | undefined;
  let pollTimer: NodeJS.Timeout | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let nudgeTimer: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;
  let lastSuccessAt: Date | undefined;
  /** When the last look began, by the clock (ms). */
  let lastLookAt = -Infinity;
  let failures = 0;

  async function drain(): Promise<void> {
    for (;;) {
      const next = await deps.step();
      lastSuccessAt = deps.clock.now();
      if (next === 'done' || stopped) return;
    }
  }

  /**
   * A nudge: a look at the table once the writes of the next few milliseconds have joined it, and
   * no sooner than `minIntervalMs` after the last look began (never later: a clock set back).
   */
  function nudged(): void {
    if (stopped || nudgeTimer !== undefined) return;
    const spacing = options.minIntervalMs ?? 0;
    const untilSpaced = Math.min(spacing, lastLookAt + spacing - deps.clock.now().getTime());
    const delay = Math.max(options.nudgeDelayMs, untilSpaced);
    if (delay <= 0) return wake();
    nudgeTimer = setTimeout(() => {
      nudgeTimer = undefined;
      wake();
    }, delay);
  }

  /** The next look unless a nudge comes first: `pollMs` after the last one ended. */
  function pollLater(): void {
    clearTimeout(pollTimer);
    if (stopped) return;
    pollTimer = setTimeout(wake, options.pollMs);
    pollTimer.unref();
  }

  function wake(): void {
    if (stopped) return;
    if (current !== undefined) {
      again = true; // the step in flight may have read before this write committed
      return;
    }
    current = (async () => {
      do {
        again = false;
        lastLookAt = deps.clock.now().getTime();
        try {
          await drain();
          failures = 0;
          clearTimeout(retryTimer);
        } catch (error) {
          failures += 1;
          logger.warn({ err: error, failures }, 'worker step failed; retrying');
          const pause = Math.min(MAX_BACKOFF_MS, options.pollMs * 2 ** (failures - 1));
          clearTimeout(retryTimer);
          retryTimer = setTimeout(wake, pause);
          retryTimer.unref();
          return;
        }
      } while (again && !stopped);
    })().finally(() => {
      current = undefined;
      if (failures === 0) pollLater();
      else clearTimeout(pollTimer); // the retry's pause is the next look
    });
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      unsubscribe = deps.onNudge(nudged);
      wake();
    },
    wake,
    async settled() {
      wake();
      // A step in flight goes again after itself (`again`): wait until none is.
      while (current !== undefined) await current;
    },
    async stop() {
      stopped = true;
      unsubscribe?.();
      clearTimeout(pollTimer);
      clearTimeout(retryTimer);
      clearTimeout(nudgeTimer);
      await current;
    },
    status: () => ({ lastSuccessAt, consecutiveFailures: failures }),
  };
}
