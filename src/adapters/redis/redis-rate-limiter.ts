// A RateLimiter shared by every instance through Redis (rate-limiter-flexible's RateLimiterRedis).
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import type { RateLimiter } from '../../application/shared/ports.js';
import { flexibleRateLimiter } from '../shared/flexible-rate-limiter.js';
import { circuitBreaker, type CircuitState } from './circuit-breaker.js';
import { withinDeadline } from './deadline.js';

/**
 * While Redis is down or stalled, every call falls back to a per-process RateLimiterMemory with
 * the same points and duration (rate-limiter-flexible's insurance limiter, done here so that a
 * circuit breaker sits in front of Redis): logins keep working, limited per instance instead of
 * cluster-wide. A call that fails or outlives `timeoutMs` opens the circuit; the
 * following calls go straight to memory until a background PING answers (every `cooldownMs`).
 */
export function redisRateLimiter(
  client: Redis,
  options: {
    keyPrefix: string;
    points: number;
    durationSeconds: number;
    /** A call Redis has not answered within this many milliseconds goes to memory (50). */
    timeoutMs?: number;
    cooldownMs?: number;
  },
): RateLimiter & { circuit(): CircuitState } {
  const { keyPrefix, points, durationSeconds } = options;
  const timeoutMs = options.timeoutMs ?? 50;
  const shared = flexibleRateLimiter(
    new RateLimiterRedis({
      storeClient: client,
      useRedisPackage: false,
      keyPrefix,
      points,
      duration: durationSeconds,
    }),
    points,
    durationSeconds,
  );
  const local = flexibleRateLimiter(
    new RateLimiterMemory({ keyPrefix, points, duration: durationSeconds }),
    points,
    durationSeconds,
  );
  const breaker = circuitBreaker({
    cooldownMs: options.cooldownMs ?? 1000,
    probe: async () => {
      await withinDeadline(client.ping(), timeoutMs);
    },
  });

  async function either<T>(call: (limiter: RateLimiter) => Promise<T>): Promise<T> {
    if (breaker.isOpen()) return call(local);
    try {
      return await withinDeadline(call(shared), timeoutMs);
    } catch (error) {
      breaker.fail(error);
      return call(local);
    }
  }

  return {
    points,
    consume: (key) => either((limiter) => limiter.consume(key)),
    peek: (key) => either((limiter) => limiter.peek(key)),
    reset: (key) => either((limiter) => limiter.reset(key)),
    refund: (key) => either((limiter) => limiter.refund(key)),
    circuit: () => breaker.state(),
  };
}
