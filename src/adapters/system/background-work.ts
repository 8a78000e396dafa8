// Work a request starts and does not wait for, run in this process; failures are logged.
import type { BackgroundWork, Logger } from '../../application/shared/ports.js';

/**
 * Each job starts at once, in the caller's tick (its synchronous part is done when `run`
 * returns), and the caller goes on without its promise. Jobs are few (every one follows a
 * throttled request), so there is no queue; `idle` lets the shutdown wait for them before the
 * job runner and the database close.
 */
export function inProcessBackgroundWork(logger: Logger): BackgroundWork {
  const running = new Set<Promise<void>>();
  return {
    run(name, work) {
      const log = logger.child({ job: name });
      let started: Promise<void>;
      try {
        started = work(log);
      } catch (error) {
        started = Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
      const job = started
        .catch((error: unknown) => log.error({ err: error }, 'background job failed'))
        .finally(() => running.delete(job));
      running.add(job);
    },
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
