// The background jobs' metrics, on the process's registry: jobs waiting and dead per kind (read
// from the table at each scrape, by the processes that run jobs only, as the outbox's backlog: the
// API pods of a separate worker would each report the same table), jobs ended by kind and
// outcome, and how long a job took from its enqueue to done.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { JobKindStats } from '../../application/jobs/ports.js';
import type { JobObserver } from '../../application/jobs/run-jobs.js';

export function registerJobMetrics(
  registry: Registry,
  stats: (() => Promise<readonly JobKindStats[]>) | undefined,
): JobObserver {
  const registers = [registry];
  const processed = new Counter({
    name: 'jobs_processed_total',
    help: 'Job attempts ended, by kind and outcome (done; retried: failed, runs again; dead: failed its last attempt)',
    labelNames: ['kind', 'outcome'] as const,
    registers,
  });
  const latency = new Histogram({
    name: 'jobs_latency_seconds',
    help: 'Seconds from a job’s enqueue to its success, by kind (retries included)',
    labelNames: ['kind'] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 1800, 3600],
    registers,
  });
  if (stats) registerDepth(registry, stats);
  return {
    processed(kind, outcome, latencySeconds) {
      processed.inc({ kind, outcome });
      if (latencySeconds !== undefined) latency.observe({ kind }, latencySeconds);
    },
  };
}

function registerDepth(registry: Registry, stats: () => Promise<readonly JobKindStats[]>): void {
  const registers = [registry];
  // Registered before the dead gauge, whose values its collect sets: scrapes read them in order.
  new Gauge({
    name: 'jobs_queue_depth',
    help: 'Jobs waiting to run (due or not, running or not), by kind',
    labelNames: ['kind'] as const,
    registers,
    async collect() {
      const kinds = await stats().catch(() => undefined);
      if (kinds === undefined) return;
      this.reset();
      dead.reset();
      for (const { kind, waiting, dead: buried } of kinds) {
        this.set({ kind }, waiting);
        dead.set({ kind }, buried);
      }
    },
  });
  const dead = new Gauge({
    name: 'jobs_dead',
    help: 'Jobs that failed their last attempt, kept in the jobs table, by kind',
    labelNames: ['kind'] as const,
    registers,
  });
}
