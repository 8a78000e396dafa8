// A RateLimiter shared by every instance through Redis (rate-limiter-flexible's RateLimiterRedis).
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimitDecision, RateLimiter } from '../../application/shared/ports.js';

/**
 * While Redis is down, every call falls back to a per-process RateLimiterMemory with the same
 * points and duration: logins keep working, limited per instance instead of cluster-wide.
 */
export function redisRateLimiter(
  client: Redis,
  options: { keyPrefix: string; points: number; durationSeconds: number },
): RateLimiter {
  const { keyPrefix, points, durationSeconds } = options;
  const limiter = new RateLimiterRedis({
    storeClient: client,
    useRedisPackage: false,
    keyPrefix,
    points,
    duration: durationSeconds,
    insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration: durationSeconds }),
  });
  const decide = (res: RateLimiterRes, allowed: boolean): RateLimitDecision => ({
    allowed,
    limit: points,
    remaining: res.remainingPoints,
    resetSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
  });

  return {
    points,
    // Over the limit it rejects with the RateLimiterRes; any other rejection is a real failure.
    consume: (key) =>
      limiter.consume(key).then(
        (res) => decide(res, true),
        (rejection: unknown) => {
          if (rejection instanceof RateLimiterRes) return decide(rejection, false);
          throw rejection;
        },
      ),
    peek: async (key) => {
      const res = await limiter.get(key);
      if (res === null) {
        return { allowed: true, limit: points, remaining: points, resetSeconds: durationSeconds };
      }
      return decide(res, res.remainingPoints > 0);
    },
    reset: async (key) => {
      await limiter.delete(key);
    },
  };
}
