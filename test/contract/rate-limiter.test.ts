// Runs the RateLimiter contract on memory always and on Redis when a test Redis is configured.
import { vi } from 'vitest';
import { memoryRateLimiter } from '../../src/adapters/memory/memory-rate-limiter.js';
import { redisRateLimiter } from '../../src/adapters/redis/redis-rate-limiter.js';
import { testRedisUrl, uniqueTag } from '../support/env.js';
import { deleteByPrefix, elapseByPrefix, readyClient } from '../support/redis.js';
import { rateLimiterContract } from './rate-limiter.contract.js';

// rate-limiter-flexible's memory store reads Date.now() and takes no clock: elapse fakes Date
// (only Date: its timers and everything else stay real) until the limiter is cleaned up.
rateLimiterContract('memoryRateLimiter', (options) =>
  Promise.resolve({
    limiter: memoryRateLimiter({ keyPrefix: `test-${uniqueTag()}`, ...options }),
    elapse(ms) {
      if (!vi.isFakeTimers()) vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
      vi.setSystemTime(Date.now() + ms);
      return Promise.resolve();
    },
    cleanup() {
      vi.useRealTimers();
      return Promise.resolve();
    },
  }),
);

if (testRedisUrl) {
  const url = testRedisUrl;

  rateLimiterContract('redisRateLimiter', async (options) => {
    const keyPrefix = `test:rl:${uniqueTag()}`;
    const client = await readyClient(url);
    return {
      limiter: redisRateLimiter(client, { keyPrefix, ...options, timeoutMs: 2_000 }),
      elapse: (ms) => elapseByPrefix(client, `${keyPrefix}:`, ms),
      cleanup: async () => {
        await deleteByPrefix(client, `${keyPrefix}:`);
        await client.quit();
      },
    };
  });
}
