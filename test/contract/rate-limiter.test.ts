// Runs the RateLimiter contract on memory always and on Redis when a test Redis is configured.
import { memoryRateLimiter } from '../../src/adapters/memory/memory-rate-limiter.js';
import { redisRateLimiter } from '../../src/adapters/redis/redis-rate-limiter.js';
import { testRedisUrl, uniqueTag } from '../support/env.js';
import { deleteByPrefix, readyClient } from '../support/redis.js';
import { rateLimiterContract } from './rate-limiter.contract.js';

rateLimiterContract('memoryRateLimiter', (options) =>
  Promise.resolve({
    limiter: memoryRateLimiter({ keyPrefix: `test-${uniqueTag()}`, ...options }),
    cleanup: () => Promise.resolve(),
  }),
);

if (testRedisUrl) {
  const url = testRedisUrl;

  rateLimiterContract('redisRateLimiter', async (options) => {
    const keyPrefix = `test:rl:${uniqueTag()}`;
    const client = await readyClient(url);
    return {
      limiter: redisRateLimiter(client, { keyPrefix, ...options }),
      cleanup: async () => {
        await deleteByPrefix(client, `${keyPrefix}:`);
        await client.quit();
      },
    };
  });
}
