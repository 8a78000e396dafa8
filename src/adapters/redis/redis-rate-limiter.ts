// A RateLimiter shared by every instance through Redis (rate-limiter-flexible's RateLimiterRedis).
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import type { RateLimiter } from '../../application/shared/ports.js';
import { flexibleRateLimiter } from '../shared/flexible-rate-limiter.js';

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
  return flexibleRateLimiter(limiter, points, durationSeconds);
}
