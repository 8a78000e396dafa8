// Prometheus metrics: process defaults (CPU, memory, GC, event-loop lag), request duration per
// route template, throttling, the password-hashing queue, the cache, mail, idempotency and the
// database pool. Adapters and the HTTP app report through the observe* methods (or the port
// decorators in instruments.ts); nothing outside this folder imports prom-client.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface MetricsSources {
  poolStats(): { total: number; idle: number; waiting: number };
  /** The Redis cache's circuit breaker; undefined (the gauges read 0) when the cache is in memory. */
  cacheCircuit?: () => { open: boolean; trips: number; failures: number } | undefined;
  /** Password-hashing jobs waiting for a lane (not counting the ones running). */
  passwordQueueDepth?: () => number;
}

export type CacheResult = 'hit' | 'miss';
export type CacheOperation = 'get' | 'set' | 'delete' | 'ping';
export type MailOutcome = 'sent' | 'failed';
/** A repeat answered from the store; 409 while the first runs; 422 for another request. */
export type IdempotencyOutcome = 'replayed' | 'in_progress' | 'key_reused';

export interface Metrics {
  readonly registry: Registry;
  observeRequest(o: { method: string; route: string; status: number; seconds: number }): void;
  /** A request refused by the general rate limit of `scope` (address or principal). */
  observeThrottled(scope: string): void;
  /** A hit refused by the named limiter (login failures, auth mail): see instruments.ts. */
  observeRateLimitRefused(limiter: string): void;
  observeCacheRead(cache: string, result: CacheResult): void;
  observeCacheError(cache: string, operation: CacheOperation): void;
  observeMail(outcome: MailOutcome): void;
  observeIdempotency(outcome: IdempotencyOutcome): void;
  /** How long a request for a database connection waited for the pool to hand one out. */
  observePoolWait(seconds: number): void;
  /** How long a password-hashing job waited for its lane before it started. */
  observePasswordHashWait(seconds: number): void;
  render(): Promise<{ contentType: string; body: string }>;
}

/** Sub-millisecond to seconds: pool checkouts and hashing waits are usually ~0, bad when ≥ 0.1. */
const WAIT_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export function createMetrics(sources: MetricsSources): Metrics {
  const registry = new Registry();
  // Includes nodejs_eventloop_lag_* (seconds, with p50/p90/p99/max), heap, GC and process_*.
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  const throttled = new Counter({
    name: 'http_requests_throttled_total',
    help: 'Requests refused 429 by the general rate limit, by scope (address, principal)',
    labelNames: ['scope'] as const,
    registers,
  });
  const refused = new Counter({
    name: 'rate_limit_refusals_total',
    help: 'Hits refused by a named limiter: login-fail-* (login throttling), auth-mail-* (mail)',
    labelNames: ['limiter'] as const,
    registers,
  });
  // Counted on every request (each read of the cache): tallied in a map and handed to the
  // counter when it is scraped, so a read costs a map update rather than prom-client's label
  // hashing and validation.
  const cacheReadTally = new Map<string, { cache: string; result: CacheResult; count: number }>();
  new Counter({
    name: 'cache_reads_total',
    help: 'Cache reads by cache (key family) and result; a read the store failed is a miss too',
    labelNames: ['cache', 'result'] as const,
    registers,
    collect() {
      for (const tally of cacheReadTally.values()) {
        if (tally.count === 0) continue;
        this.inc({ cache: tally.cache, result: tally.result }, tally.count);
        tally.count = 0;
      }
    },
  });
  const cacheErrors = new Counter({
    name: 'cache_errors_total',
    help: 'Cache calls the store failed or timed out (Redis), by cache and operation',
    labelNames: ['cache', 'operation'] as const,
    registers,
  });
  const mail = new Counter({
    name: 'mail_sends_total',
    help: 'Emails handed to the mail server, by outcome (sent, failed)',
    labelNames: ['outcome'] as const,
    registers,
  });
  const idempotency = new Counter({
    name: 'idempotency_requests_total',
    help: 'Repeated Idempotency-Keys by outcome: replayed, in_progress (409), key_reused (422)',
    labelNames: ['outcome'] as const,
    registers,
  });
  const poolWait = new Histogram({
    name: 'db_pool_wait_seconds',
    help: 'Time a request for a database connection waited for the pool',
    buckets: WAIT_BUCKETS,
    registers,
  });
  const hashWait = new Histogram({
    name: 'password_hash_wait_seconds',
    help: 'Time a password-hashing job waited for its lane before it started',
    buckets: WAIT_BUCKETS,
    registers,
  });

  new Gauge({
    name: 'db_pool_connections',
    help: 'Database pool connections by state (waiting: requests queued for a connection)',
    labelNames: ['state'] as const,
    registers,
    collect() {
      const stats = sources.poolStats();
      this.set({ state: 'total' }, stats.total);
      this.set({ state: 'idle' }, stats.idle);
      this.set({ state: 'waiting' }, stats.waiting);
    },
  });

  const { passwordQueueDepth } = sources;
  new Gauge({
    name: 'password_hash_queue_depth',
    help: 'Password-hashing jobs (logins, registrations) waiting for a lane',
    registers,
    collect() {
      this.set(passwordQueueDepth?.() ?? 0);
    },
  });

  const { cacheCircuit } = sources;
  if (cacheCircuit) {
    new Gauge({
      name: 'cache_circuit_open',
      help: '1 while the Redis cache is bypassed after a failure (circuit open), else 0',
      registers,
      collect() {
        this.set(cacheCircuit()?.open === true ? 1 : 0);
      },
    });
    new Gauge({
      name: 'cache_circuit_trips',
      help: 'Times the Redis cache circuit opened since the process started',
      registers,
      collect() {
        this.set(cacheCircuit()?.trips ?? 0);
      },
    });
  }

  return {
    registry,
    observeRequest({ method, route, status, seconds }) {
      duration.observe({ method, route, status: String(status) }, seconds);
    },
    observeThrottled: (scope) => throttled.inc({ scope }),
    observeRateLimitRefused: (limiter) => refused.inc({ limiter }),
    observeCacheRead(cache, result) {
      const key = `${cache}\u0000${result}`;
      const tally = cacheReadTally.get(key);
      if (tally === undefined) cacheReadTally.set(key, { cache, result, count: 1 });
      else tally.count += 1;
    },
    observeCacheError: (cache, operation) => cacheErrors.inc({ cache, operation }),
    observeMail: (outcome) => mail.inc({ outcome }),
    observeIdempotency: (outcome) => idempotency.inc({ outcome }),
    observePoolWait: (seconds) => poolWait.observe(seconds),
    observePasswordHashWait: (seconds) => hashWait.observe(seconds),
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
