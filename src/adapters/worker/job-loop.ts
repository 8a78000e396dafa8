// The job runner's loop: runs due jobs whenever it is nudged (a write committed, in this process
// or, through the bus, in another: the write may have enqueued a job) and at least every `pollMs`
// (a retry coming due); the shared batchLoop does the waking, the pauses after a failure of the
// queue itself (PostgreSQL restarting) and the stopping. A job claimed by a runner that died runs
// again once its lease passes.
import type { EventBus } from '../../application/events/ports.js';
import {
  runDueJobs,
  type JobObserver,
  type JobRunnerDeps,
  type JobRunnerOptions,
} from '../../application/jobs/run-jobs.js';
import { batchLoop, type BatchLoop, type BatchLoopOptions } from './batch-loop.js';

/**
 * `nudgeDelayMs`: every committed write nudges, most enqueue nothing, so the nudges of a busy
 * moment share one look.
 */
export interface JobLoopOptions extends JobRunnerOptions, BatchLoopOptions {}

export type JobLoop = BatchLoop;

export function jobLoop(
  deps: JobRunnerDeps & { readonly bus: Pick<EventBus, 'onNudge'> },
  options: JobLoopOptions,
  observer?: JobObserver,
): JobLoop {
  return batchLoop(
    {
      // Batches until fewer than a full batch were due.
      step: async () =>
        (await runDueJobs(deps, options, observer)) < options.batchSize ? 'done' : 'more',
      onNudge: (listener) => deps.bus.onNudge(listener),
      clock: deps.clock,
      logger: deps.logger,
    },
    options,
  );
}
