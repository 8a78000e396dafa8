// Runs the RateLimiter contract on memory always and on Redis when a test Redis is configured.
import type { Redis } from 'ioredis';
import { memoryRateLimiter } from '../../src/adapters/memory/memory-rate-limiter.js';
import { createRedisClient } from '../../src/adapters/redis/redis-client.js';
import { redisRateLimiter } from '../../src/adapters/redis/redis-rate-limiter.js';
import { testRedisUrl, uniqueTag } from '../support/env.js';
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

/** The client rejects commands until connected (no offline queue), so wait for it. */
async function readyClient(url: string): Promise<Redis> {
  const client = createRedisClient(url);
  if (client.status !== 'ready') {
    await new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve());
      setTimeout(() => reject(new Error(`Redis at ${url} not ready within 5 s`)), 5000).unref();
    });
  }
  return client;
}

async function deleteByPrefix(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    if (keys.length > 0) await client.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}
