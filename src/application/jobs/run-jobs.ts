// A worker's round: claim the due jobs, run each by its kind's handler, and tell the queue how
// each ended — done (forgotten), failed (due again after a backoff from the clock), or dead (out
// of attempts, kept). A handler may run more than once for one job (a worker killed after the
// effect and before the acknowledgement, a lease that passed): handlers make repeats harmless.
import { nextRunAt, type RetryPolicy } from '../../domain/jobs/retry.js';
import type { Clock, Logger } from '../shared/ports.js';
import type { ClaimedJob, JobQueue } from './ports.js';

export type JobHandler = (job: ClaimedJob) => Promise<void>;

export type JobOutcome = 'done' | 'retried' | 'dead';

export interface JobObserver {
  /** `latencySeconds`: from enqueue to done (what a recipient waits), done jobs only. */
  processed(kind: string, outcome: JobOutcome, latencySeconds?: number): void;
}

export interface JobRunnerDeps {
  readonly jobs: JobQueue;
  readonly handlers: Readonly<Record<string, JobHandler>>;
  readonly clock: Clock;
  /** [0, 1): the backoff's jitter. */
  readonly random: () => number;
  readonly retry: RetryPolicy;
  readonly logger: Logger;
}

export interface JobRunnerOptions {
  /** This worker's name in the leases it takes (host and pid: a dead one is recognisable). */
  readonly worker: string;
  /** How long a claim holds a job: longer than any handler may take. */
  readonly leaseMs: number;
  readonly batchSize: number;
}

/** Longer errors are cut: the row keeps the gist, the log the whole. */
const ERROR_MAX_LENGTH = 1000;

/** Claims and runs one batch; resolves with how many jobs it claimed once all have ended. */
export async function runDueJobs(
  deps: JobRunnerDeps,
  options: JobRunnerOptions,
  observer?: JobObserver,
): Promise<number> {
  const { worker, leaseMs, batchSize } = options;
  const claimed = await deps.jobs.claim(worker, deps.clock.now(), leaseMs, batchSize);
  const ended = await Promise.allSettled(claimed.map((job) => runJob(deps, worker, job, observer)));
  // A job whose acknowledgement failed (the database went away) runs again once its lease passes.
  const failure = ended.find((result) => result.status === 'rejected');
  if (failure) throw failure.reason;
  return claimed.length;
}

async function runJob(
  deps: JobRunnerDeps,
  worker: string,
  job: ClaimedJob,
  observer: JobObserver | undefined,
): Promise<void> {
  const log = deps.logger.child({ job_id: job.id, kind: job.kind, attempt: job.attempts });
  try {
    const handler = deps.handlers[job.kind];
    if (!handler) throw new Error(`no handler for jobs of kind "${job.kind}"`);
    await handler(job);
  } catch (error) {
    const now = deps.clock.now();
    const retryAt = nextRunAt(deps.retry, job, now, deps.random);
    const message = (error instanceof Error ? error.message : String(error)).slice(
      0,
      ERROR_MAX_LENGTH,
    );
    const held = await deps.jobs.fail(job.id, worker, message, retryAt, now);
    if (!held) log.warn({}, 'job failed after its lease passed: another claim holds it');
    if (retryAt) log.warn({ err: error, retry_at: retryAt.toISOString() }, 'job failed; retrying');
    else log.error({ err: error }, 'job failed its last attempt; kept as dead');
    observer?.processed(job.kind, retryAt ? 'retried' : 'dead');
    return;
  }
  const held = await deps.jobs.complete(job.id, worker);
  if (!held) log.warn({}, 'job done after its lease passed: another claim may repeat it');
  const latency = (deps.clock.now().getTime() - job.createdAt.getTime()) / 1000;
  observer?.processed(job.kind, 'done', Math.max(0, latency));
}
