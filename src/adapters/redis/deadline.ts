// A deadline on a Redis call that counts Redis's silence, not the time this process was busy.

export class RedisDeadlineError extends Error {
  constructor(readonly ms: number) {
    super(`Redis did not answer within ${ms} ms`);
    this.name = 'RedisDeadlineError';
  }
}

/**
 * `work`, or a RedisDeadlineError once `ms` have passed without it settling. A timer alone would
 * also fire when the event loop was blocked (a long synchronous task, a GC pause, PGlite's
 * in-process queries) while Redis's answer sat unread in the socket: so the verdict waits for
 * `setImmediate`, which runs after the event loop has polled for I/O, and the answer, if it came,
 * has settled `work` by then.
 */
export function withinDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      setImmediate(() => {
        if (!settled) reject(new RedisDeadlineError(ms));
      });
    }, ms);
    work.then(
      (value) => {
        settled = true;
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        settled = true;
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
