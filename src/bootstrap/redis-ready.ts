// The first Redis connection of the composition root (its database: own-database.ts).
import type { Redis } from 'ioredis';
import type { Logger as PinoLogger } from 'pino';

/** Waits for the first connection; Redis being down is not fatal (the cache degrades). */
export function redisReady(redis: Redis, timeoutMs: number, logger: PinoLogger): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      logger.warn({ timeout_ms: timeoutMs }, 'redis not reachable; cache degraded until it is');
      redis.off('ready', onReady);
      resolve();
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });
}
