// Small helpers for tests that hold work in flight and wait for it to reach a point.

/** A promise the test settles when it wants (Promise.withResolvers, which Node 20 lacks). */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Polls `condition` every 5 ms; throws once `timeoutMs` have passed without it holding. */
export async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * Runs the async `attempt` until it reports true (it may make progress on each call), pausing
 * 20 ms between calls; throws once `timeoutMs` have passed without it succeeding.
 */
export async function eventually(
  attempt: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await attempt())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
