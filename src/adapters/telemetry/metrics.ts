// Prometheus metrics: process defaults, request duration per route template, pool and cache gauges.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface MetricsSources {
  poolStats(): { total: number; idle: number; waiting: number };
  /** The Redis cache's circuit breaker, when the cache is in Redis. */
  cacheCircuit?: () => { open: boolean; trips: number; failures: number };
}

export interface Metrics {
  readonly registry: Registry;
  observeRequest(o: { method: string; route: string; status: number; seconds: number }): void;
  /** A request refused by the general rate limit of `scope` (address or principal). */
  observeThrottled(scope: string): void;
  render(): Promise<{ contentType: string; body: string }>;
}

export function createMetrics(sources: MetricsSources): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });

  const throttled = new Counter({
    name: 'http_requests_throttled_total',
    help: 'Requests refused 429 by the general rate limit, by scope (address, principal)',
    labelNames: ['scope'] as const,
    registers: [registry],
  });

  new Gauge({
    name: 'db_pool_connections',
    help: 'Database pool connections by state',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const stats = sources.poolStats();
      this.set({ state: 'total' }, stats.total);
      this.set({ state: 'idle' }, stats.idle);
      this.set({ state: 'waiting' }, stats.waiting);
    },
  });

  const { cacheCircuit } = sources;
  if (cacheCircuit) {
    new Gauge({
      name: 'cache_circuit_open',
      help: '1 while the Redis cache is bypassed after a failure (circuit open), else 0',
      registers: [registry],
      collect() {
        this.set(cacheCircuit().open ? 1 : 0);
      },
    });
    new Gauge({
      name: 'cache_circuit_trips',
      help: 'Times the Redis cache circuit opened since the process started',
      registers: [registry],
      collect() {
        this.set(cacheCircuit().trips);
      },
    });
  }

  return {
    registry,
    observeRequest({ method, route, status, seconds }) {
      duration.observe({ method, route, status: String(status) }, seconds);
    },
    observeThrottled(scope) {
      throttled.inc({ scope });
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
