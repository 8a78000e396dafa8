// When a failed job runs again: exponential backoff with jitter, capped, for a bounded number of
// attempts; after the last one the job is dead (kept for an operator, never run again).

export interface RetryPolicy {
  /** The wait after the first failure, before jitter. */
  readonly baseDelayMs: number;
  /** No wait is longer than this, before jitter. */
  readonly maxDelayMs: number;
}

/** 15 s, 30 s, 1 min, … up to 30 min: with 10 attempts a job is retried for 45 to 90 minutes. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseDelayMs: 15_000, maxDelayMs: 30 * 60_000 };
export const DEFAULT_MAX_ATTEMPTS = 10;

/**
 * The wait after failed attempt number `attempt` (1-based): base × 2^(attempt−1), capped, of
 * which the second half is random (`random()` in [0, 1)), so jobs that failed together (an SMTP
 * outage) do not all come back in the same instant, and none comes back sooner than half its step.
 */
export function retryDelayMs(policy: RetryPolicy, attempt: number, random: () => number): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + (random() * step) / 2);
}

/** After failed attempt `attempt` of `maxAttempts`: when to run again, or undefined (dead). */
export function nextRunAt(
  policy: RetryPolicy,
  job: { readonly attempts: number; readonly maxAttempts: number },
  now: Date,
  random: () => number,
): Date | undefined {
  if (job.attempts >= job.maxAttempts) return undefined;
  return new Date(now.getTime() + retryDelayMs(policy, job.attempts, random));
}
