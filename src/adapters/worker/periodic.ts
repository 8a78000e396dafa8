// A chore the worker runs every so often (a retention purge): at start, then every `everyMs`,
// never two at once; a failure is logged and the next round tries again. stop() waits for the
// round in flight.
import type { Logger } from '../../application/shared/ports.js';
import type { BatchLoop } from './batch-loop.js';

export interface Periodic {
  start(): void;
  stop(): Promise<void>;
}

export function periodic(
  what: string,
  run: () => Promise<unknown>,
  everyMs: number,
  logger: Logger,
): Periodic {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  const round = () => {
    running ??= run()
      .catch((error: unknown) => {
        logger.warn({ err: error }, `${what} failed; trying again at the next round`);
      })
      .finally(() => {
        running = undefined;
      });
  };
  return {
    start() {
      if (timer !== undefined) return;
      timer = setInterval(round, everyMs);
      timer.unref();
      round();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}

/** `loop` with `chore` beside it: started with it, and stopped with it (both awaited). */
export function withChore(loop: BatchLoop, chore: Periodic): BatchLoop {
  return {
    ...loop,
    start() {
      chore.start();
      loop.start();
    },
    async stop() {
      await Promise.all([loop.stop(), chore.stop()]);
    },
  };
}
