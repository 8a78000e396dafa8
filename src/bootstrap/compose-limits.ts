// The rate limiters compose hands out: in Redis when configured (each falling back to process
// memory while Redis does not answer in time), in process memory otherwise.
import type { Redis } from 'ioredis';
import type { Deps } from '../application/deps.js';
import type { RateLimiter } from '../application/shared/ports.js';
import { memoryRateLimiter } from '../adapters/memory/memory-rate-limiter.js';
import { redisRateLimiter } from '../adapters/redis/redis-rate-limiter.js';
import { observedRateLimiter } from '../adapters/telemetry/instruments.js';
import type { Metrics } from '../adapters/telemetry/metrics.js';
import type { Config } from './config.js';

export function rateLimiters(config: Config, redis: Redis | undefined, metrics: Metrics) {
  // A counter Redis does not answer in time is kept in process memory until Redis answers again.
  const limiterDeadlines = {
    timeoutMs: config.REDIS_LIMITER_TIMEOUT_MS,
    cooldownMs: config.REDIS_CIRCUIT_COOLDOWN_MS,
  };
  const limiter = (
    keyPrefix: string,
    points: number,
    durationSeconds = config.LOGIN_FAILURE_WINDOW_SECONDS,
  ): RateLimiter => {
    const options = {
      keyPrefix: `${config.REDIS_KEY_PREFIX}${keyPrefix}`,
      points,
      durationSeconds,
    };
    return observedRateLimiter(
      redis
        ? redisRateLimiter(redis, { ...options, ...limiterDeadlines })
        : memoryRateLimiter(options),
      keyPrefix,
      metrics,
    );
  };

  // The API's general limits (0 turns one off); in Redis when configured, which falls back to
  // memory while Redis is down.
  const apiLimiter = (keyPrefix: string, points: number): RateLimiter | undefined => {
    if (points === 0) return undefined;
    const options = {
      keyPrefix: `${config.REDIS_KEY_PREFIX}${keyPrefix}`,
      points,
      durationSeconds: config.RATE_LIMIT_WINDOW_SECONDS,
    };
    return redis
      ? redisRateLimiter(redis, { ...options, ...limiterDeadlines })
      : memoryRateLimiter(options);
  };

  return { limiter, apiLimiter };
}

/** The limits of what anyone may ask without an account: the public status lookup per address. */
export function publicLimits(
  config: Config,
  limiter: ReturnType<typeof rateLimiters>['limiter'],
): Pick<Deps, 'publicStatusLimit'> {
  return {
    publicStatusLimit: limiter(
      'public-status-ip',
      config.PUBLIC_STATUS_LOOKUPS_PER_ADDRESS,
      config.PUBLIC_STATUS_WINDOW_SECONDS,
    ),
  };
}
