// Background jobs: work a write asks for (a mail to send) that runs after the write commits, in a
// worker, with retries — never inside the request. A job is enqueued in the write's own
// transaction (`Repositories.jobs`), so it exists if and only if that write committed.

export interface NewJob {
  readonly id: string;
  /** Which handler runs it (`email`, …). */
  readonly kind: string;
  /** JSON: what the handler needs, complete (a job is run long after its request ended). */
  readonly payload: unknown;
  /** The organization it is for, or null (identity mail before any organization). */
  readonly organizationId: string | null;
  /** When it becomes due (now, from the clock, for work to do at once). */
  readonly runAt: Date;
  readonly maxAttempts: number;
  readonly createdAt: Date;
}

/** The enqueueing side: bound to the caller's transaction. */
export interface JobOutbox {
  enqueue(job: NewJob): Promise<void>;
}

/** A job as a worker claimed it. */
export interface ClaimedJob {
  readonly id: string;
  readonly kind: string;
  readonly payload: unknown;
  readonly organizationId: string | null;
  /** Attempts started so far, this one included. */
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly createdAt: Date;
}

export interface JobKindStats {
  readonly kind: string;
  /** Jobs not done and not dead (due or not, claimed or not). */
  readonly waiting: number;
  /** The run_at of the oldest job that is due and that nobody holds, or null. */
  readonly oldestDue: Date | null;
  readonly dead: number;
}

/**
 * The workers' side, across organizations. Times come from the caller's clock: what is due and
 * when a lease ends are decided against `now`.
 */
export interface JobQueue {
  /**
   * Takes up to `limit` due jobs for `worker` until `now + leaseMs` (others skip them meanwhile;
   * after it, another claim may take a job again: at least once). Each claim is an attempt.
   */
  claim(worker: string, now: Date, leaseMs: number, limit: number): Promise<ClaimedJob[]>;
  /** Done: forgotten. False when `worker` no longer held it (its lease passed, another took it). */
  complete(id: string, worker: string): Promise<boolean>;
  /** Failed: due again at `retryAt`, or dead (kept) when undefined. False as for complete. */
  fail(
    id: string,
    worker: string,
    error: string,
    retryAt: Date | undefined,
    now: Date,
  ): Promise<boolean>;
  stats(now: Date): Promise<JobKindStats[]>;
}
